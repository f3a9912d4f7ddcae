/**
 * What an API handler sees: the route parameters, query, JSON body, the authenticated API user
 * and the simulator. Goods-owner access is checked here once: a goods owner the user may not act
 * for is a 403, and a record of such a goods owner looked up by id is simply not found.
 */
import { ApiError, field, invalid, isObject, type Json, type Query, type Reply } from './http.js';
import type { Params } from './router.js';
import type { Store } from './store.js';

export interface ApiUser {
  username: string;
  password: string;
  goodsOwnerIds: number[];
}

export interface Simulator {
  store: Store;
  warehouse: string;
}

export class ApiRequest {
  constructor(
    readonly params: Params,
    readonly query: Query,
    readonly rawBody: unknown,
    readonly user: ApiUser,
    readonly sim: Simulator,
  ) {}

  get store(): Store {
    return this.sim.store;
  }

  /** The JSON body as an object; a missing or non-object body is a 400. */
  body(): Json {
    if (!isObject(this.rawBody))
      throw new ApiError(400, 'The request is invalid. The request body is required and must be a JSON object.');
    return this.rawBody;
  }

  mayAccess(goodsOwnerId: number): boolean {
    return this.user.goodsOwnerIds.includes(goodsOwnerId) && this.store.goodsOwner(goodsOwnerId) !== undefined;
  }

  assertAccess(goodsOwnerId: number): number {
    if (!this.mayAccess(goodsOwnerId)) {
      throw new ApiError(
        403,
        `Authorization has been denied for this request. The user ${this.user.username} has no access to goods owner ${goodsOwnerId}.`,
      );
    }
    return goodsOwnerId;
  }

  /** `goodsOwnerId` from the query, required on list and query GETs and DELETE-by-number. */
  goodsOwnerFromQuery(): number {
    return this.assertAccess(this.query.requiredInt('goodsOwnerId'));
  }

  /** `goodsOwnerId` from a PUT body. */
  goodsOwnerFromBody(body: Json): number {
    const id = field.int(body, 'goodsOwnerId');
    if (id === undefined) throw invalid('goodsOwnerId', 'is required.');
    return this.assertAccess(id);
  }
}

export type ApiHandler = (req: ApiRequest) => Promise<Reply>;

export interface RouteTable {
  add(method: string, pattern: string, handler: ApiHandler): unknown;
}
