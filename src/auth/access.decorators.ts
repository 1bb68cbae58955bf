import { SetMetadata } from '@nestjs/common';

/** What a route needs, checked by the global guard before any handler runs. */
export type RouteAccess = 'public' | 'read' | 'write' | 'admin';
export const ROUTE_ACCESS = 'ledger:route-access';

/** No sign-in (health only). */
export const Public = () => SetMetadata(ROUTE_ACCESS, 'public' satisfies RouteAccess);
/** Any signed-in role; the handler then checks the record is in scope. */
export const Reads = () => SetMetadata(ROUTE_ACCESS, 'read' satisfies RouteAccess);
/** Any role but auditor; the handler then checks the record is in scope. */
export const Writes = () => SetMetadata(ROUTE_ACCESS, 'write' satisfies RouteAccess);
/** Provincial admins only. */
export const AdminOnly = () => SetMetadata(ROUTE_ACCESS, 'admin' satisfies RouteAccess);
