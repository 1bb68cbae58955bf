import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { type Principal, type Role, ROLES } from './principal.js';

const ISSUER = 'membership-ledger';
const AUDIENCE = 'membership-ledger';
const VERIFIED_TOKENS = 10_000;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export class TokenError extends Error {}

/**
 * Bearer tokens: HS256 JWTs with the role and its scope. Only HS256 is accepted, so `alg: none`
 * and tokens signed with another algorithm or key are refused, as are expired or edited ones.
 */
export class Tokens {
  /** A KeyObject made once: given raw bytes, jsonwebtoken first tries them as a public key on every call (~1 ms). */
  private readonly key: KeyObject;
  /**
   * Tokens already verified, until their expiry: a client sends the same token with every
   * request, and jsonwebtoken's checks cost ~60 µs each. The whole token (signature included) is
   * the key, so an edited token is never found here; there is no revocation to miss.
   */
  private readonly verified = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(key: Buffer) {
    this.key = createSecretKey(key);
  }

  issue(principal: Principal, ttl: string | number = '12h'): string {
    assertPrincipal(principal);
    const claims = {
      role: principal.role,
      ...(principal.cityId !== undefined ? { cityId: principal.cityId } : {}),
      ...(principal.parkId !== undefined ? { parkId: principal.parkId } : {}),
    };
    return jwt.sign(claims, this.key, {
      algorithm: 'HS256',
      subject: principal.sub,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: ttl as jwt.SignOptions['expiresIn'],
    });
  }

  verify(token: string): Principal {
    const known = this.verified.get(token);
    if (known !== undefined) {
      if (Date.now() < known.expiresAtMs) return known.principal;
      this.verified.delete(token);
    }
    const principal = this.verifyAfresh(token);
    if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    return principal;
  }

  private verifyAfresh(token: string): Principal {
    let payload: jwt.JwtPayload;
    try {
      payload = jwt.verify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE }) as jwt.JwtPayload;
    } catch (error) {
      throw new TokenError(error instanceof jwt.TokenExpiredError ? 'the token has expired' : 'the token is not valid');
    }
    if (typeof payload.exp !== 'number') throw new TokenError('the token has no expiry');
    const principal: Principal = {
      sub: String(payload.sub ?? ''),
      role: payload.role as Role,
      ...(typeof payload.cityId === 'string' ? { cityId: payload.cityId } : {}),
      ...(typeof payload.parkId === 'string' ? { parkId: payload.parkId } : {}),
    };
    try {
      assertPrincipal(principal);
    } catch {
      throw new TokenError('the token does not name a valid role and scope');
    }
    this.verified.set(token, { principal, expiresAtMs: payload.exp * 1000 });
    return principal;
  }
}

/** A role with exactly the scope it needs: a city for city officers, a park for park clerks. */
export function assertPrincipal(p: Principal): void {
  if (!ROLES.includes(p.role)) throw new TokenError(`role must be one of ${ROLES.join(', ')}`);
  if (!p.sub || p.sub.length > 128) throw new TokenError('the subject (user) must be 1-128 characters');
  if (p.role === 'city-officer' && !(p.cityId && ID.test(p.cityId))) throw new TokenError('a city-officer needs a cityId');
  if (p.role === 'park-clerk' && !(p.parkId && ID.test(p.parkId))) throw new TokenError('a park-clerk needs a parkId');
  if (p.role !== 'city-officer' && p.cityId !== undefined) throw new TokenError('only a city-officer has a cityId');
  if (p.role !== 'park-clerk' && p.parkId !== undefined) throw new TokenError('only a park-clerk has a parkId');
}

export const TOKENS = Symbol('Tokens');
