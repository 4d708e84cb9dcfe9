import { ValidationPipe } from '@nestjs/common';

/** Admin request bodies: unknown fields are rejected (400 naming the field), values are typed. */
export const adminValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  validationError: { target: false, value: false },
});
