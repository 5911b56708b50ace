import { InvalidCursorError, type Page } from '@flowmate/db';
import { BadRequestException } from '@nestjs/common';

/** Runs a page query, turning a forged or stale cursor into a 400 that names the parameter. */
export async function withCursorCheck<T>(query: () => Promise<Page<T>>): Promise<Page<T>> {
  try {
    return await query();
  } catch (error) {
    if (error instanceof InvalidCursorError) {
      throw new BadRequestException({ message: 'Request validation failed', details: [{ path: 'cursor', message: error.message }] });
    }
    throw error;
  }
}
