import { Body, Controller, Delete, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, SessionOnly, type AuthUser } from '../auth/auth-user';
import { AccountService } from './account.service';
import { DeleteAccountDto } from './delete-account.dto';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth')
export class AccountController {
  constructor(private readonly account: AccountService) {}

  /** Deletes the account and everything of it; `confirm` must be the account's e-mail address. */
  @SessionOnly()
  @Delete('me')
  @HttpCode(HttpStatus.NO_CONTENT)
  delete(@CurrentUser() user: AuthUser, @Body() dto: DeleteAccountDto): Promise<void> {
    return this.account.delete(user, dto);
  }
}
