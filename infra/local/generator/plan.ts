/**
 * The generator's decisions, as a pure function of a random stream and what Multicase shows:
 * `planNextAction(rng, world, mix)` picks the next kind of activity among those with something to
 * act on and fills in every detail (product numbers, lines, quantities, waybills). Multicase-side
 * plans are complete; warehouse-side plans carry a shuffled list of candidates, and the runner
 * takes the first one that Ongoing actually has (see execute.ts). The kinds and the shapes of plans
 * are in action-kinds.ts, the details of Multicase-side actions in plan-multicase.ts.
 */
import { chance, int, pick, sample, shuffle, weighted, type Rng } from './rng.js';
import {
  ACTION_KINDS,
  DEFAULT_MIX,
  ONGOING_CANDIDATES,
  SAFETY_STOCK,
  type ActionKind,
  type NothingToDo,
  type PlannedAction,
} from './action-kinds.js';
import {
  planChangePurchaseOrder,
  planCreateProduct,
  planCreatePurchaseOrder,
  planCreateSalesOrder,
  planRegisterReturn,
  planUpdateProduct,
  type Pools,
} from './plan-multicase.js';
import type { World } from './world.js';

export {
  ACTION_KINDS,
  DEFAULT_MIX,
  MULTICASE_ACTION_KINDS,
  ONGOING_ACTION_KINDS,
  ONGOING_CANDIDATES,
  SAFETY_STOCK,
  isOngoingAction,
  type ActionKind,
  type CodeName,
  type NothingToDo,
  type OngoingActionKind,
  type PlannedAction,
} from './action-kinds.js';
export { addDays, ean13, generatedProductNumber } from './plan-multicase.js';

// ---------------------------------------------------------------------------------------------
// Eligibility: what the world offers each kind (on the Multicase side)

function pools(world: World): Pools {
  const stockProducts = world.products.filter((p) => p.usable && !p.isService);
  return {
    stockProducts,
    serviceProducts: world.products.filter((p) => p.usable && p.isService),
    sellable: stockProducts.filter((p) => p.available >= 1 + SAFETY_STOCK),
    // Ongoing refuses changes once receiving has started, so only untouched ones are changed.
    changeablePurchaseOrders: world.purchaseOrders.filter(
      (po) => po.status === 'open' && po.lines.every((l) => l.quantityReceived === 0),
    ),
    deactivatable: world.products.filter((p) => p.generated && !p.onDocuments),
  };
}

function eligible(world: World, p: Pools): Record<ActionKind, boolean> {
  return {
    createProduct: true,
    updateProduct: world.products.length > 0,
    deactivateProduct: p.deactivatable.length > 0,
    createPurchaseOrder: world.suppliers.length > 0 && p.stockProducts.length > 0,
    changePurchaseOrder: p.changeablePurchaseOrders.length > 0,
    cancelPurchaseOrder: p.changeablePurchaseOrders.length > 0,
    createSalesOrder: world.customers.length > 0 && world.shippingMethodIds.length > 0 && p.sellable.length > 0,
    sendOrderToWarehouse: world.sendableOrders.length > 0,
    registerReturn: world.returnableOrders.length > 0,
    sendReturnToWarehouse: world.registeredReturns.length > 0,
    receivePurchaseOrder: world.purchaseOrders.length > 0,
    pickOrder: world.pickingListsAtWarehouse.length > 0,
    shipOrder: world.pickingListsAtWarehouse.length > 0,
    receiveReturn: world.returnsAtWarehouse.length > 0,
    adjustStock: p.stockProducts.length > 0,
  };
}

// ---------------------------------------------------------------------------------------------
// The planner

/**
 * The next action: a kind chosen by weight among those with something to act on, then its
 * details. The same stream and world always give the same plan.
 */
export function planNextAction(
  rng: Rng,
  world: World,
  mix: Readonly<Record<ActionKind, number>> = DEFAULT_MIX,
): PlannedAction | NothingToDo {
  const p = pools(world);
  const can = eligible(world, p);
  const kind = weighted(
    rng,
    ACTION_KINDS.map((k) => [k, can[k] ? mix[k] : 0] as const),
  );
  if (kind === undefined) {
    const wanted = weighted(
      rng,
      ACTION_KINDS.map((k) => [k, mix[k]] as const),
    );
    return { kind: wanted ?? 'createProduct', skip: 'nothing eligible yet' };
  }
  switch (kind) {
    case 'createProduct':
      return planCreateProduct(rng, world);
    case 'updateProduct':
      return planUpdateProduct(rng, pick(rng, world.products));
    case 'deactivateProduct': {
      const product = pick(rng, p.deactivatable);
      return { kind, key: product.productNumber, detail: `deactivate ${product.description}` };
    }
    case 'createPurchaseOrder':
      return planCreatePurchaseOrder(rng, world, p);
    case 'changePurchaseOrder':
      return planChangePurchaseOrder(rng, world, p, pick(rng, p.changeablePurchaseOrders));
    case 'cancelPurchaseOrder': {
      const po = pick(rng, p.changeablePurchaseOrders);
      return { kind, key: po.purchaseOrderNumber, detail: `cancel purchase order (${po.lines.length} lines)` };
    }
    case 'createSalesOrder':
      return planCreateSalesOrder(rng, world, p);
    case 'sendOrderToWarehouse':
      // Users send the waiting orders, oldest first-ish.
      return { kind, key: pick(rng, world.sendableOrders.slice(0, 5)), detail: 'send all open lines to the warehouse' };
    case 'registerReturn':
      return planRegisterReturn(rng, world);
    case 'sendReturnToWarehouse':
      return { kind, key: pick(rng, world.registeredReturns.slice(0, 5)), detail: 'send the return to the warehouse' };
    case 'receivePurchaseOrder':
      return { kind, candidates: sample(rng, world.purchaseOrders, ONGOING_CANDIDATES), partial: chance(rng, 0.35) };
    case 'pickOrder':
      return {
        kind,
        candidates: sample(rng, world.pickingListsAtWarehouse, ONGOING_CANDIDATES),
        discrepancy: chance(rng, 0.3),
        shortPick: chance(rng, 0.5),
      };
    case 'shipOrder': {
      const candidates = sample(rng, world.pickingListsAtWarehouse, ONGOING_CANDIDATES);
      const waybill = `GEN${int(rng, 10_000_000, 99_999_999)}NO`;
      const parcels = weighted(rng, [
        [1, 7],
        [2, 2],
        [3, 1],
      ] as const)!;
      return {
        kind,
        candidates,
        waybill,
        trackingUrl: `https://tracking.example/${waybill}`,
        parcels,
        preferPicked: chance(rng, 0.8),
      };
    }
    case 'receiveReturn':
      return { kind, candidates: sample(rng, world.returnsAtWarehouse, ONGOING_CANDIDATES), partial: chance(rng, 0.2) };
    case 'adjustStock':
      return planAdjustStock(rng, p);
  }
}

// ---------------------------------------------------------------------------------------------
// Warehouse side: only stock corrections need more than a choice of candidates

const ADJUSTMENTS = [
  { cause: { code: 'DAMAGED', name: 'Damaged in warehouse' }, sign: -1, max: 2, comment: 'Skadet ved håndtering' },
  { cause: { code: 'COUNT', name: 'Stock count' }, sign: 0, max: 3, comment: 'Varetelling' },
  { cause: { code: 'FOUND', name: 'Found in warehouse' }, sign: 1, max: 2, comment: 'Funnet ved opprydding' },
] as const;

function planAdjustStock(rng: Rng, p: Pools): PlannedAction {
  const a = pick(rng, ADJUSTMENTS);
  const size = int(rng, 1, a.max);
  let numberOfItems = a.sign === 0 ? (chance(rng, 0.5) ? size : -size) : a.sign * size;
  let pool = p.stockProducts.filter((x) => numberOfItems > 0 || x.available >= -numberOfItems + SAFETY_STOCK);
  if (pool.length === 0) {
    // Nothing has stock to spare: the count finds goods instead.
    numberOfItems = size;
    pool = p.stockProducts;
  }
  return {
    kind: 'adjustStock',
    candidates: shuffle(rng, pool)
      .slice(0, ONGOING_CANDIDATES)
      .map((x) => x.productNumber),
    numberOfItems,
    cause: { ...a.cause },
    comment: a.comment,
  };
}
