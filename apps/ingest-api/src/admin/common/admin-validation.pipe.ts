import { ValidationPipe } from '@nestjs/common';

/** Admin request bodies: unknown fields are rejected (400 naming the field), values are typed. */
export const adminValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  validationError: { target: false, value: false },
});

/** A body validated exactly as an admin route's @Body() is (for callers of the admin services outside a route). */
export async function adminBody<T extends object>(metatype: new () => T, body: unknown): Promise<T> {
  return (await adminValidationPipe.transform(body ?? {}, { type: 'body', metatype })) as T;
}
