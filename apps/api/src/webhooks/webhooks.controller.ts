import type { JsonValue } from '@flowmate/contracts';
import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../auth/auth-user';
import { ApiErrorResponses } from '../core/api-error-responses';
import { WebhookAnswer, WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Public()
  @Post('github')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiHeader({ name: 'X-Hub-Signature-256', description: 'sha256=<HMAC-SHA256 of the body with GITHUB_WEBHOOK_SECRET>' })
  @ApiHeader({ name: 'X-GitHub-Event' })
  @ApiHeader({ name: 'X-GitHub-Delivery', description: 'Deliveries are taken once by this id' })
  @ApiAcceptedResponse({ type: WebhookAnswer, description: 'Taken: one run started per agent whose trigger matches' })
  @ApiErrorResponses(HttpStatus.BAD_REQUEST, HttpStatus.UNAUTHORIZED, HttpStatus.SERVICE_UNAVAILABLE)
  github(
    @Req() request: RawBodyRequest<Request>,
    @Body() payload: JsonValue,
    @Headers('x-github-event') event?: string,
    @Headers('x-github-delivery') deliveryId?: string,
    @Headers('x-hub-signature-256') signature?: string,
  ): Promise<WebhookAnswer> {
    return this.webhooks.receiveGitHub({ event, deliveryId, signature, rawBody: request.rawBody, payload });
  }
}
