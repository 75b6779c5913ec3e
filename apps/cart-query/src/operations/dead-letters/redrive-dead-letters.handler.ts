import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_BROKER, type EventBroker, type OutboundMessage } from '@converge/kafka';
import { cartQueryConfig, type CartQueryConfig } from '../../cart-query.config';
import {
  type DeadLetter,
  type DeadLetterSelection,
  DeadLetterStore,
  REDRIVE_COUNT_HEADER,
} from '../../infrastructure/dead-letter.store';

export interface RedriveResult {
  redriven: string[];
  /** Sent again as often as DEAD_LETTER_MAX_REDRIVES allows already. */
  refused: Array<{ id: string; code: 'REDRIVE_LIMIT' }>;
}

/**
 * Sends dead letters again to the topic they came from, as they came (the dead-letter headers
 * off, the redrive count up): for messages a since-fixed bug refused. One that fails again comes
 * back with its count, and past the limit it stays where it is.
 */
@Injectable()
export class RedriveDeadLettersHandler {
  private readonly logger = new Logger('DeadLetters');

  constructor(
    private readonly store: DeadLetterStore,
    @Inject(EVENT_BROKER) private readonly broker: EventBroker,
    @Inject(cartQueryConfig.KEY) private readonly config: CartQueryConfig,
  ) {}

  async execute(selection: DeadLetterSelection, operator: string): Promise<RedriveResult> {
    const letters = await this.store.pending(selection);
    const allowed = letters.filter((letter) => letter.redriveCount < this.config.deadLetterMaxRedrives);
    const refused = letters.filter((letter) => !allowed.includes(letter));
    for (const [topic, group] of byTopic(allowed)) await this.broker.publish(topic, group.map(again));
    const redriven = await this.store.settle(
      allowed.map((letter) => letter.id),
      'redriven',
      operator,
    );
    this.logger.warn(`${redriven.length} dead letter(s) redriven by ${operator}, ${refused.length} refused`);
    return { redriven, refused: refused.map((letter) => ({ id: letter.id, code: 'REDRIVE_LIMIT' })) };
  }
}

function again(letter: DeadLetter): OutboundMessage {
  const headers = Object.fromEntries(Object.entries(letter.headers).filter(([name]) => !name.startsWith('dlq-')));
  return {
    key: letter.key,
    value: letter.value,
    headers: { ...headers, [REDRIVE_COUNT_HEADER]: String(letter.redriveCount + 1) },
  };
}

function byTopic(letters: DeadLetter[]): Map<string, DeadLetter[]> {
  const groups = new Map<string, DeadLetter[]>();
  for (const letter of letters) groups.set(letter.topic, [...(groups.get(letter.topic) ?? []), letter]);
  return groups;
}
