import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { getMetadataStorage } from 'class-validator';

type Class = abstract new (...args: never[]) => unknown;

const TYPES: Record<string, { type: string; format?: string }> = {
  isString: { type: 'string' },
  isNotEmpty: { type: 'string' },
  isInt: { type: 'integer' },
  isNumber: { type: 'number' },
  isBoolean: { type: 'boolean' },
  isObject: { type: 'object' },
  isUUID: { type: 'string', format: 'uuid' },
  isUrl: { type: 'string', format: 'uri' },
  isISO8601: { type: 'string', format: 'date-time' },
  isDateString: { type: 'string', format: 'date-time' },
  isEmail: { type: 'string', format: 'email' },
};

const done = new WeakSet<object>();

/**
 * Documents a DTO from its class-validator decorators, so the OpenAPI schema is generated from the
 * same code that validates requests: each validated property gets an `@ApiProperty` with its type,
 * whether it is required, enums, bounds and nested DTOs. Properties that already carry `@ApiProperty`
 * are left alone.
 */
export function describeDto(target: Class): void {
  if (done.has(target)) return;
  done.add(target);
  const metas = getMetadataStorage().getTargetValidationMetadatas(target as never, '', true, false);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const m of metas) byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
  for (const [property, list] of byProperty) {
    if (Reflect.getMetadata('swagger/apiModelProperties', target.prototype as object, property)) continue;
    ApiProperty(propertyOptions(target, property, list))(target.prototype as object, property);
  }
}

function propertyOptions(target: Class, property: string, list: ValidationMetadata[]): ApiPropertyOptions {
  const o: Record<string, unknown> = { required: !list.some((m) => m.type === 'conditionalValidation') };
  let isArray = list.some((m) => m.name === 'isArray');
  let itemType: { type: string; format?: string } | undefined;
  for (const m of list) {
    const name = m.name ?? '';
    const c = m.constraints ?? [];
    const known = TYPES[name];
    if (known && !(name === 'isNotEmpty' && o.type)) {
      if (m.each) {
        isArray = true;
        itemType = known;
      } else {
        o.type = known.type;
        if (known.format) o.format = known.format;
      }
    }
    if (name === 'isIn' && Array.isArray(c[0])) o.enum = c[0];
    if (name === 'isEnum' && c[0] && typeof c[0] === 'object') o.enum = Object.values(c[0] as object);
    if (name === 'maxLength') o.maxLength = c[0];
    if (name === 'minLength') o.minLength = c[0];
    if (name === 'min') o.minimum = c[0];
    if (name === 'max') o.maximum = c[0];
    if (name === 'arrayMaxSize') o.maxItems = c[0];
    if (name === 'arrayMinSize') o.minItems = c[0];
    if (m.type === 'nestedValidation' && m.each) isArray = true;
  }
  const nested = defaultMetadataStorage.findTypeMetadata(target as never, property)?.typeFunction?.();
  if (typeof nested === 'function' && nested !== Object) {
    describeDto(nested as Class);
    o.type = nested;
  }
  if (isArray) {
    if (typeof o.type === 'function') o.isArray = true;
    else {
      o.type = 'array';
      o.items = itemType ?? (o.enum ? { type: 'string', enum: o.enum } : {});
      delete o.enum;
    }
  }
  if (o.type === 'object') o.additionalProperties = true;
  if (!o.type) o.type = 'object';
  return o as ApiPropertyOptions;
}
