import { IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { ACTION_IDS, ActionId } from '@fsd/mapping';
import type { MappingEntity } from '@fsd/platform';

export class CreateMappingDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  /** FQL, e.g. `type = "track" and event = "Order Completed"`. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(10_000)
  trigger!: string;

  @IsIn(ACTION_IDS as readonly string[])
  action!: ActionId;

  /** Action field key → mapping directive or JSON value. */
  @IsObject()
  mapping!: Record<string, unknown>;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateMappingDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(10_000)
  trigger?: string;

  @IsOptional()
  @IsIn(ACTION_IDS as readonly string[])
  action?: ActionId;

  @IsOptional()
  @IsObject()
  mapping?: Record<string, unknown>;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export interface MappingView {
  id: string;
  destinationId: string;
  position: number;
  name: string;
  enabled: boolean;
  trigger: string;
  action: string;
  mapping: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export function toMappingView(m: MappingEntity): MappingView {
  return {
    id: m.id,
    destinationId: m.destinationId,
    position: m.position,
    name: m.name,
    enabled: m.enabled,
    trigger: m.trigger,
    action: m.action,
    mapping: m.mapping,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}
