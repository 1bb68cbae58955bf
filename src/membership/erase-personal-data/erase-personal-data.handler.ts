import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { MEMBER_KEYS, type MemberKeys } from '../../personal-data/member-keys.port.js';
import { lockKeys } from '../../shared/keyed-mutex.js';
import { memberStream } from '../member.events.js';
import { asHistory } from '../member.reader.js';
import { decideErasePersonalData, type ErasePersonalDataInput } from './erase-personal-data.decide.js';

export class ErasePersonalData extends Command<CommandAnswer> {
  constructor(
    readonly input: ErasePersonalDataInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/**
 * Records `MemberPersonalDataErased` and destroys the member's data key.
 *
 * Order, for crash safety: the key is destroyed FIRST, once the decider has accepted the command
 * and just before the event is appended (`beforeAppend`). Whatever moment the process dies at:
 * - before the key erase: nothing happened; the admin's retry does it all;
 * - between the key erase and the append: the names no longer open, so every read answers
 *   `[erased]` already, and the history simply lacks the event; a retry (same or new commandId)
 *   is accepted, since the history shows no erasure, erases the (already erased) key again and
 *   records the event;
 * - after the append: done.
 * The reverse order would leave a window where the log says "erased" while the key, and so the
 * name, is still readable on disk. As a second line, the member queries also honour the history's
 * erasure mark, so names recorded in clear before encryption, or a key table restored from an
 * old backup, still read `[erased]`.
 */
@CommandHandler(ErasePersonalData)
export class ErasePersonalDataHandler implements ICommandHandler<ErasePersonalData> {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(MEMBER_KEYS) private readonly keys: MemberKeys,
  ) {}

  execute({ input, meta }: ErasePersonalData): Promise<CommandAnswer> {
    return this.executor.execute({
      name: 'erasePersonalData',
      stream: memberStream(input.memberId),
      body: input,
      meta,
      locks: lockKeys(['member', input.memberId]),
      decide: (events) => ({
        events: decideErasePersonalData(input, asHistory(input.memberId, events)),
        beforeAppend: () => this.keys.erase(input.memberId),
      }),
    });
  }
}
