import { Inject, Injectable } from '@nestjs/common';
import { SecretBox, apiKeyBinding } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';

/** Seals and opens a destination's FullStory API key, bound to the destination's id (a key never moves rows). */
@Injectable()
export class DestinationKeyBox {
  private secretBox?: SecretBox;

  constructor(@Inject(INGEST_CONFIG) private readonly config: IngestConfig) {}

  seal(apiKey: string, destinationId: string): string {
    return this.box().seal(apiKey, apiKeyBinding(destinationId));
  }

  open(sealed: string, destinationId: string): string {
    return this.box().open(sealed, apiKeyBinding(destinationId));
  }

  private box(): SecretBox {
    return (this.secretBox ??= new SecretBox(this.config.secretsKey, this.config.secretsKeyPrevious));
  }
}
