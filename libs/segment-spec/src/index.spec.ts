import * as api from './index';
import type { CallType, DeletionMessage, IssueCode, MessageIssue, SegmentContext, SegmentEvent } from './index';

describe('public API of @fsd/segment-spec', () => {
  it('exports exactly the agreed runtime values', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'CALL_TYPES',
        'LIMITS',
        'isCallType',
        'isPlainObject',
        'messageByteLength',
        'normaliseMessage',
        'parseIsoTimestamp',
        'validateDeletion',
        'validateMessage',
      ].sort(),
    );
  });

  it('has types that fit the contract', () => {
    const type: CallType = 'alias';
    const code: IssueCode = 'invalid_message_id';
    const issue: MessageIssue = { code, message: 'm', field: 'messageId' };
    const deletion: DeletionMessage = { type: 'delete', userId: 'u1' };
    const context: SegmentContext = { direct: true, ip: '1.2.3.4', library: { name: 'n' }, custom: 1 };
    const event: SegmentEvent = {
      type,
      messageId: 'm',
      timestamp: 't',
      receivedAt: 'r',
      context,
      extra: [1],
    };
    const limit: 32768 = api.LIMITS.maxMessageBytes;
    expect([issue.code, deletion.type, event.type, limit]).toEqual(['invalid_message_id', 'delete', 'alias', 32768]);
  });
});
