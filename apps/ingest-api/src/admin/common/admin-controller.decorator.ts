import { Controller, UseGuards, UsePipes, applyDecorators } from '@nestjs/common';
import { AdminTokenGuard } from '../../auth/admin-token.guard';
import { adminValidationPipe } from './admin-validation.pipe';

/** A controller under /admin: admin token required, bodies validated strictly. */
export function AdminController(path: string): ClassDecorator {
  return applyDecorators(Controller(`admin/${path}`), UseGuards(AdminTokenGuard), UsePipes(adminValidationPipe));
}
