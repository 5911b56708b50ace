import { Body, Controller, Delete, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiSessionOnly } from '../auth/api-security';
import { CurrentUser, SessionOnly, type AuthUser } from '../auth/auth-user';
import { ApiErrorResponses } from '../core/api-error-responses';
import { AccountService } from './account.service';
import { DeleteAccountDto } from './delete-account.dto';

@ApiTags('auth')
@Controller('auth')
export class AccountController {
  constructor(private readonly account: AccountService) {}

  /** Deletes the account and everything of it; `confirm` must be the account's e-mail address. */
  @SessionOnly()
  @ApiSessionOnly()
  @Delete('me')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The account and everything of it are gone' })
  @ApiErrorResponses(HttpStatus.BAD_REQUEST)
  delete(@CurrentUser() user: AuthUser, @Body() dto: DeleteAccountDto): Promise<void> {
    return this.account.delete(user, dto);
  }
}
