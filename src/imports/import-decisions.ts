import { revisionMismatch } from '../command-handling/command-executor.js';
import { type Caller, cityDenial, outsideScope, type Place, writeDenial } from '../auth/principal.js';
import { decideCloseEnterprise, type Placement, placementsOf } from '../enterprises/close-enterprise/close-enterprise.decide.js';
import { enterpriseStream } from '../enterprises/enterprise.events.js';
import { decideEstablishEnterpriseUnion } from '../enterprises/establish-enterprise-union/establish-enterprise-union.decide.js';
import { decideRegisterEnterprise } from '../enterprises/register-enterprise/register-enterprise.decide.js';
import { decideReportHeadcount } from '../enterprises/report-headcount/report-headcount.decide.js';
import { type ExpectedRevision } from '../event-store/event-store.port.js';
import { decideChangeCategory } from '../membership/change-category/change-category.decide.js';
import { decideJoin } from '../membership/join/join.decide.js';
import { decideLeave } from '../membership/leave/leave.decide.js';
import { enterprisesOf, parkOn } from '../membership/member.reader.js';
import { memberStream, type PersonRef } from '../membership/member.events.js';
import { type MemberHistory } from '../membership/member.timeline.js';
import { decideTransfer } from '../membership/transfer/transfer.decide.js';
import { decideEstablishParkUnion } from '../parks/establish-park-union/establish-park-union.decide.js';
import { parkStream } from '../parks/park.events.js';
import { decideRegisterPark } from '../parks/register-park/register-park.decide.js';
import { type DecisionContext, type LedgerEvent } from '../shared/ledger-event.js';
import { residentIdBirthDate } from '../shared/resident-id.js';
import { type ImportCommand } from './import-commands.js';
import { type ImportLedgerState } from './import-ledger-state.js';

/** Who runs an import: a signed-in caller (POST /imports) or the operator at the command line. */
export interface ImportCaller extends Pick<Caller, 'principal' | 'actor' | 'correlationId'> {
  /** Told of each refusal of access, for the denial log. */
  readonly onDenied?: (target: string, reason: string) => void;
}

/** A join's person, already hashed, and the member's name sealed and digested under the member's key. */
export interface JoinPersonalData {
  readonly person: PersonRef;
  readonly sealedName: string;
  readonly nameDigest: string;
}

/** What one command will append: to which stream, at which revision read, and how it updates the state. */
export interface Decided {
  readonly stream: string;
  readonly revision: ExpectedRevision;
  readonly events: readonly LedgerEvent[];
  /** A member command: the history it was decided against (the state adds the new events to it). */
  readonly history?: MemberHistory;
  /** A join: the person's claims stream is appended first, at this revision. */
  readonly personClaim?: { readonly personHash: string; readonly revision: ExpectedRevision };
}

/** The stream a command writes to and its fingerprinted body, exactly as the API's handler has them. */
export function commandTarget(command: ImportCommand, join?: JoinPersonalData): { stream: string; body: unknown } {
  const { command: _name, ...input } = command;
  switch (command.command) {
    case 'registerPark':
    case 'establishParkUnion':
      return { stream: parkStream(command.parkId), body: input };
    case 'registerEnterprise':
    case 'establishEnterpriseUnion':
    case 'reportHeadcount':
    case 'closeEnterprise':
      return { stream: enterpriseStream(command.enterpriseId), body: input };
    case 'join': {
      const { personId: _personId, ...rest } = command;
      const { command: _c, ...body } = rest;
      return { stream: memberStream(command.memberId), body: { ...body, name: join!.nameDigest, person: join!.person.hash } };
    }
    case 'transfer':
    case 'changeCategory':
    case 'leave':
      return { stream: memberStream(command.memberId), body: input };
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

/**
 * Decides one import command against the import's state with the same pure deciders, the same
 * scope checks and the same order of checks as the API's handler of that command.
 */
export class ImportDecisions {
  constructor(
    private readonly state: ImportLedgerState,
    private readonly caller: ImportCaller,
  ) {}

  async decide(
    command: ImportCommand,
    ctx: DecisionContext,
    expectedRevision?: number,
    join?: JoinPersonalData,
  ): Promise<Decided> {
    switch (command.command) {
      case 'registerPark': {
        this.assertCity(command.cityId, `city ${command.cityId}`);
        const park = await this.state.park(command.parkId);
        this.checkRevision(parkStream(command.parkId), park.revision, expectedRevision);
        return {
          stream: parkStream(command.parkId),
          revision: park.revision,
          events: decideRegisterPark(command, park.state, ctx),
        };
      }
      case 'establishParkUnion': {
        const park = await this.state.park(command.parkId);
        this.checkRevision(parkStream(command.parkId), park.revision, expectedRevision);
        if (park.state.status === 'registered')
          this.assertWrite([{ parkId: park.state.parkId, cityId: park.state.cityId }], `park ${command.parkId}`);
        return {
          stream: parkStream(command.parkId),
          revision: park.revision,
          events: decideEstablishParkUnion(command, park.state, ctx),
        };
      }
      case 'registerEnterprise': {
        const enterprise = await this.state.enterprise(command.enterpriseId);
        this.checkRevision(enterpriseStream(command.enterpriseId), enterprise.revision, expectedRevision);
        const park = (await this.state.park(command.parkId)).state;
        if (park.status === 'registered')
          this.assertWrite([{ parkId: park.parkId, cityId: park.cityId }], `park ${command.parkId}`);
        return {
          stream: enterpriseStream(command.enterpriseId),
          revision: enterprise.revision,
          events: decideRegisterEnterprise(command, enterprise.state, park, ctx),
        };
      }
      case 'establishEnterpriseUnion':
      case 'reportHeadcount':
      case 'closeEnterprise': {
        const enterprise = await this.state.enterprise(command.enterpriseId);
        this.checkRevision(enterpriseStream(command.enterpriseId), enterprise.revision, expectedRevision);
        if (enterprise.state.status === 'registered')
          this.assertWrite([await this.placeOfPark(enterprise.state.parkId)], `enterprise ${command.enterpriseId}`);
        const events =
          command.command === 'establishEnterpriseUnion'
            ? decideEstablishEnterpriseUnion(command, enterprise.state, ctx)
            : command.command === 'reportHeadcount'
              ? decideReportHeadcount(command, enterprise.state, ctx)
              : decideCloseEnterprise(command, enterprise.state, await this.placementsAt(command.enterpriseId), ctx);
        return { stream: enterpriseStream(command.enterpriseId), revision: enterprise.revision, events };
      }
      case 'join': {
        const history = await this.state.member(command.memberId);
        const revision = history.revision ?? 'no_stream';
        this.checkRevision(memberStream(command.memberId), revision, expectedRevision);
        const { person, sealedName } = join!;
        const personEntry = await this.state.person(person.hash);
        const otherMemberships = await this.state.otherMemberships(person.hash, command.memberId);
        const enterprises = await this.state.enterprisesById([...enterprisesOf(history), command.enterpriseId]);
        const target = enterprises.get(command.enterpriseId);
        if (target?.status === 'registered')
          this.assertWrite([await this.placeOfPark(target.parkId)], `enterprise ${command.enterpriseId}`);
        const { personId, command: _name, ...rest } = command;
        const birthDate = residentIdBirthDate(personId);
        const events = decideJoin({ ...rest, person, birthDate, name: sealedName }, history, {
          ...ctx,
          enterprises,
          otherMemberships,
        });
        return {
          stream: memberStream(command.memberId),
          revision,
          events,
          history,
          personClaim: { personHash: person.hash, revision: personEntry.revision },
        };
      }
      case 'transfer':
      case 'changeCategory':
      case 'leave': {
        const history = await this.state.member(command.memberId);
        const revision = history.revision ?? 'no_stream';
        this.checkRevision(memberStream(command.memberId), revision, expectedRevision);
        const targets = command.command === 'transfer' ? [command.toEnterpriseId] : [];
        const enterprises = await this.state.enterprisesById([...enterprisesOf(history), ...targets]);
        const targetPark = targets
          .map((id) => enterprises.get(id))
          .map((e) => (e?.status === 'registered' ? e.parkId : undefined));
        const parks = [parkOn(history, command.effectiveDate), ...targetPark].filter((p): p is string => !!p);
        this.assertWrite(await Promise.all([...new Set(parks)].map((p) => this.placeOfPark(p))), `member ${command.memberId}`);
        const mctx = { ...ctx, enterprises };
        const events =
          command.command === 'transfer'
            ? decideTransfer(command, history, mctx)
            : command.command === 'changeCategory'
              ? decideChangeCategory(command, history, mctx)
              : decideLeave(command, history, mctx);
        return { stream: memberStream(command.memberId), revision, events, history };
      }
      default: {
        const unknown: never = command;
        return unknown;
      }
    }
  }

  /** Every stay at the enterprise on the current timelines of the members ever placed there. */
  private async placementsAt(enterpriseId: string): Promise<Placement[]> {
    const placements: Placement[] = [];
    for (const memberId of await this.state.membersEverAt(enterpriseId))
      placements.push(...placementsOf(enterpriseId, await this.state.member(memberId)));
    return placements;
  }

  private async placeOfPark(parkId: string): Promise<Place | undefined> {
    const park = (await this.state.park(parkId)).state;
    return park.status === 'registered' ? { parkId, cityId: park.cityId } : undefined;
  }

  private checkRevision(stream: string, revision: ExpectedRevision, expected: number | undefined): void {
    if (expected !== undefined && expected !== revision) throw revisionMismatch(stream, expected, revision);
  }

  /** The API's scope checks (auth/principal.ts), the refusal told to `onDenied` for the denial log. */
  private assertWrite(places: ReadonlyArray<Place | undefined>, target: string): void {
    this.refuse(writeDenial(this.caller.principal, places), target);
  }

  private assertCity(cityId: string, target: string): void {
    this.refuse(cityDenial(this.caller.principal, cityId), target);
  }

  private refuse(denial: string | undefined, target: string): void {
    if (denial === undefined) return;
    this.caller.onDenied?.(target, denial);
    throw outsideScope(target);
  }
}
