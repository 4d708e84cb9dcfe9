import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import {
  FullStoryClient,
  FullStoryHostRefusedError,
  FullStoryNetworkError,
  FullStoryTimeoutError,
} from '@fsd/fullstory-contracts';
import {
  PayloadValidationError,
  buildTestConnectionRequest,
  previewEvent,
  testConnectionFailure,
  type PreparedRequest,
} from '@fsd/mapping';
import { redactCredentialHeaders } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { notFound } from '../../core/errors/app-error';
import { PLACEHOLDER_API_KEY, compileOrThrow, effectiveBaseUrl, pipelineConfig } from './destination-config';
import { CreateMappingDto } from '../mappings/mapping.dto';
import { DestinationKeyBox } from './destination-key-box';
import { prepareMappings } from './destination-input';
import { DestinationsRepository } from './destinations.repository';
import { messageOf } from '../../core/errors/message-of';

const DEFAULT_TEST_TIMEOUT_MS = 10_000;

export interface PreviewOutput {
  messageId: string | null;
  actions: string[];
  requests: PreparedRequest[];
  errors: { action: string; message: string }[];
}

export interface TestConnectionResult {
  ok: boolean;
  status: number | null;
  message: string;
}

/** A destination's configuration tried out: an event previewed (nothing sent), and FullStory `GET /me`. */
@Injectable()
export class DestinationConnectionService implements OnModuleDestroy {
  private client?: FullStoryClient;

  constructor(
    private readonly destinations: DestinationsRepository,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly keys: DestinationKeyBox,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.client?.close().catch(() => undefined);
  }

  /**
   * What the preview CLI prints for this event with this destination's configuration (presets,
   * mappings, filters, base URL). The API key never leaves the server: Authorization is redacted.
   * With `draft`, those mappings stand in for the stored ones, checked as saving them would check them.
   */
  async preview(id: string, event: Record<string, unknown>, draft?: CreateMappingDto[]): Promise<PreviewOutput> {
    const dest = await this.destinations.findById(id);
    if (!dest) throw notFound(`Destination ${id} does not exist`);
    const mappings = draft ? prepareMappings(draft) : await this.destinations.mappingsOf(id);
    const compiled = compileOrThrow(
      pipelineConfig(dest, mappings, {
        apiKey: PLACEHOLDER_API_KEY,
        baseUrl: effectiveBaseUrl(dest, this.config.fullstoryBaseUrl),
      }),
    );
    // The preview CLI's own output step, so the CLI's vectors tests cover this output too.
    const line = previewEvent(compiled, event);
    return { ...line, requests: line.requests.map(redactRequest) };
  }

  /** FullStory `GET /me` with the stored key; reports the outcome, never the key. */
  async testConnection(id: string): Promise<TestConnectionResult> {
    const dest = await this.destinations.findWithSealedKey(id);
    if (!dest) throw notFound(`Destination ${id} does not exist`);
    let apiKey: string;
    try {
      apiKey = this.keys.open(dest.apiKeyEncrypted, dest.id);
    } catch (e) {
      return { ok: false, status: null, message: messageOf(e) };
    }
    let request: PreparedRequest;
    try {
      request = buildTestConnectionRequest({
        apiKey,
        baseUrl: effectiveBaseUrl(dest, this.config.fullstoryBaseUrl),
      });
    } catch (e) {
      if (e instanceof PayloadValidationError) return { ok: false, status: null, message: e.message };
      throw e;
    }
    const timeoutMs = typeof dest.settings.timeoutMs === 'number' ? dest.settings.timeoutMs : DEFAULT_TEST_TIMEOUT_MS;
    try {
      const res = await this.fullStory().send(request, { timeoutMs });
      if (res.status >= 200 && res.status < 300) {
        return { ok: true, status: res.status, message: `Credentials are valid: ${res.status} ${res.statusText}` };
      }
      return { ok: false, status: res.status, message: testConnectionFailure(res.status, res.statusText) };
    } catch (e) {
      if (e instanceof FullStoryHostRefusedError) return { ok: false, status: null, message: `Not sent: ${e.message}` };
      if (e instanceof FullStoryTimeoutError || e instanceof FullStoryNetworkError) {
        // These messages name the target (origin and path) but never carry headers or the key.
        return { ok: false, status: null, message: `FullStory could not be reached: ${e.message}` };
      }
      throw e;
    }
  }

  private fullStory(): FullStoryClient {
    return (this.client ??= new FullStoryClient({
      timeoutMs: DEFAULT_TEST_TIMEOUT_MS,
      policy: this.config.outboundPolicy,
    }));
  }
}

function redactRequest(r: PreparedRequest): PreparedRequest {
  const out: PreparedRequest = { method: r.method, url: r.url, headers: redactCredentialHeaders(r.headers) };
  if (r.body !== undefined) out.body = r.body;
  return out;
}
