/**
 * Whether a batch replay may start its next FullStory job: yes while it runs (or has finished walking the log),
 * wait while it is paused, no once it is cancelled or failed. Asked before every job creation, so a pause
 * holds and a cancel stops the replay between jobs; a job already created is followed to its end either way.
 */
export type ReplayGateAnswer = 'go' | 'wait' | 'stop';

export function gateFor(status: string | null): ReplayGateAnswer {
  if (status === 'running' || status === 'completed') return 'go';
  if (status === 'paused') return 'wait';
  return 'stop';
}

export class ReplayGate {
  constructor(
    private readonly status: () => Promise<string | null>,
    private readonly pollMs = 1000,
  ) {}

  async mayContinue(): Promise<boolean> {
    for (;;) {
      const answer = gateFor(await this.status());
      if (answer !== 'wait') return answer === 'go';
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }
}
