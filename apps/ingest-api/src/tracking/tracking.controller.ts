import { Body, Controller, Headers, HttpCode, Ip, Param, Post } from '@nestjs/common';
import { isCallType, isPlainObject } from '@fsd/segment-spec';
import { notFound } from '../common/errors/app-error';
import { SourceRateLimiter } from './source-rate-limiter';
import { TrackingService } from './tracking.service';
import { WriteKeyService } from './write-key.service';

/** The Segment HTTP Tracking API: /v1/{identify,track,page,screen,group,alias,batch,import}. */
@Controller('v1')
export class TrackingController {
  constructor(
    private readonly tracking: TrackingService,
    private readonly writeKeys: WriteKeyService,
    private readonly rateLimiter: SourceRateLimiter,
  ) {}

  @Post(['batch', 'import'])
  @HttpCode(200)
  async batch(@Body() body: unknown, @Headers('authorization') auth: string | undefined, @Ip() ip: string) {
    const source = await this.writeKeys.authenticate(
      WriteKeyService.extract(auth, isPlainObject(body) ? body.writeKey : undefined),
    );
    const items = isPlainObject(body) && Array.isArray(body.batch) ? body.batch.length : 1;
    this.rateLimiter.check(source, items);
    const result = await this.tracking.batch(source, body, ip);
    return { success: true, accepted: result.accepted, rejected: result.rejected };
  }

  @Post(':type')
  @HttpCode(200)
  async single(
    @Param('type') type: string,
    @Body() body: unknown,
    @Headers('authorization') auth: string | undefined,
    @Ip() ip: string,
  ) {
    if (!isCallType(type)) throw notFound(`No route for POST /v1/${type}`);
    const source = await this.writeKeys.authenticate(
      WriteKeyService.extract(auth, isPlainObject(body) ? body.writeKey : undefined),
    );
    this.rateLimiter.check(source, 1);
    await this.tracking.single(source, type, body, ip);
    return { success: true };
  }
}
