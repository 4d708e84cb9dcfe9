import { Module } from '@nestjs/common';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

/** POST/GET/DELETE /admin/tokens (AuthModule, global, holds the token store and the guard). */
@Module({ controllers: [TokensController], providers: [TokensService] })
export class TokensModule {}
