/**
 * The generator's decisions, as a pure function of a random stream and what Multicase shows:
 * `planNextAction(rng, world, mix)` picks the next kind of activity among those with something to
 * act on and fills in every detail (product numbers, lines, quantities, waybills). Multicase-side
 * plans are complete; warehouse-side plans carry a shuffled list of candidates, and the runner
 * takes the first one that Ongoing actually has (see execute.ts).
 */
import type { ProductFields, ProductInput, PurchaseOrderInput, ReturnLineInput, SalesOrderInput } from '../multicase-db/actions.js';
import { chance, int, pick, sample, shuffle, weighted, type Rng } from './rng.js';
import { GENERATED_PRODUCT_PREFIX, GENERATOR_WAREHOUSE, type PickingListInfo, type ProductInfo, type PurchaseOrderInfo, type World } from './world.js';

/** What a Multicase user does at the screen. */
export const MULTICASE_ACTION_KINDS = [
  'createProduct',
  'updateProduct',
  'deactivateProduct',
  'createPurchaseOrder',
  'changePurchaseOrder',
  'cancelPurchaseOrder',
  'createSalesOrder',
  'sendOrderToWarehouse',
  'registerReturn',
  'sendReturnToWarehouse',
] as const;

/** What the warehouse staff do in Ongoing, only to records that reached Ongoing. */
export const ONGOING_ACTION_KINDS = ['receivePurchaseOrder', 'pickOrder', 'shipOrder', 'receiveReturn', 'adjustStock'] as const;

export const ACTION_KINDS = [...MULTICASE_ACTION_KINDS, ...ONGOING_ACTION_KINDS] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export type OngoingActionKind = (typeof ONGOING_ACTION_KINDS)[number];

export function isOngoingAction(kind: ActionKind): kind is OngoingActionKind {
  return (ONGOING_ACTION_KINDS as readonly string[]).includes(kind);
}

/** Relative weights: a small web shop's day. `mix` in the options overrides single kinds. */
export const DEFAULT_MIX: Readonly<Record<ActionKind, number>> = {
  createProduct: 4,
  updateProduct: 5,
  deactivateProduct: 0.5,
  createPurchaseOrder: 8,
  changePurchaseOrder: 3,
  cancelPurchaseOrder: 1,
  createSalesOrder: 16,
  sendOrderToWarehouse: 14,
  registerReturn: 3,
  sendReturnToWarehouse: 3,
  receivePurchaseOrder: 10,
  pickOrder: 8,
  shipOrder: 14,
  receiveReturn: 4,
  adjustStock: 3,
};

/** Units kept back when selling or writing stock off, so picking discrepancies never drive Multicase stock below zero. */
export const SAFETY_STOCK = 3;
/** How many candidates a warehouse action looks up in Ongoing at once. */
export const ONGOING_CANDIDATES = 40;

export interface CodeName {
  code: string;
  name: string;
}

export type PlannedAction =
  | { kind: 'createProduct'; key: string; detail: string; input: ProductInput }
  | { kind: 'updateProduct'; key: string; detail: string; changes: ProductFields }
  | { kind: 'deactivateProduct'; key: string; detail: string }
  /** The number comes from Multicase's series when saved. */
  | { kind: 'createPurchaseOrder'; detail: string; input: PurchaseOrderInput }
  | { kind: 'changePurchaseOrder'; key: string; detail: string; input: PurchaseOrderInput }
  | { kind: 'cancelPurchaseOrder'; key: string; detail: string }
  | { kind: 'createSalesOrder'; detail: string; input: SalesOrderInput }
  | { kind: 'sendOrderToWarehouse'; key: string; detail: string }
  | { kind: 'registerReturn'; key: string; detail: string; lines: ReturnLineInput[]; reason: string }
  | { kind: 'sendReturnToWarehouse'; key: string; detail: string }
  | { kind: 'receivePurchaseOrder'; candidates: PurchaseOrderInfo[]; partial: boolean }
  | { kind: 'pickOrder'; candidates: PickingListInfo[]; discrepancy: boolean; shortPick: boolean }
  | { kind: 'shipOrder'; candidates: PickingListInfo[]; waybill: string; trackingUrl: string; parcels: number; preferPicked: boolean }
  | { kind: 'receiveReturn'; candidates: string[]; partial: boolean }
  | { kind: 'adjustStock'; candidates: string[]; numberOfItems: number; cause: CodeName; comment: string };

/** Nothing of any enabled kind can be done now. */
export interface NothingToDo {
  kind: ActionKind;
  skip: string;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const FAMILIES = [
  { group: 'Camping', supplier: 'S1001', weight: [0.2, 3.5], nouns: ['telt', 'sovepose', 'liggeunderlag', 'stormkjøkken', 'hodelykt', 'termos', 'tursekk 30 l', 'hengekøye'] },
  { group: 'Klær', supplier: 'S1002', weight: [0.05, 1.2], nouns: ['ullgenser', 'fleecejakke', 'regnbukse', 'lue', 'votter', 'ullsokk', 'buff', 'turbukse'] },
  { group: 'Mat', supplier: 'S1003', weight: [0.1, 1.0], nouns: ['turkaffe', 'tørrmat pasta', 'sjokolade', 'te', 'nøttemiks', 'havregryn'] },
] as const;
const ADJECTIVES = ['Lett', 'Varm', 'Robust', 'Vanntett', 'Kompakt', 'Klassisk', 'Ultralett', 'Slitesterk', 'Myk', 'Vindtett'];
const SERVICES = ['Montering', 'Gaveinnpakning premium', 'Ekspressgebyr', 'Impregnering', 'Servicepakke telt', 'Gravering'];
const RETURN_CAUSES: readonly (CodeName & { reason: string })[] = [
  { code: 'WRONG_SIZE', name: 'Wrong size', reason: 'Feil størrelse' },
  { code: 'DAMAGED', name: 'Damaged in transport', reason: 'Skadet ved levering' },
  { code: 'NOT_AS_DESCRIBED', name: 'Not as described', reason: 'Ikke som beskrevet' },
  { code: 'REGRET', name: 'Changed mind', reason: 'Angrerett' },
];
const ADJUSTMENTS = [
  { cause: { code: 'DAMAGED', name: 'Damaged in warehouse' }, sign: -1, max: 2, comment: 'Skadet ved håndtering' },
  { cause: { code: 'COUNT', name: 'Stock count' }, sign: 0, max: 3, comment: 'Varetelling' },
  { cause: { code: 'FOUND', name: 'Found in warehouse' }, sign: 1, max: 2, comment: 'Funnet ved opprydding' },
] as const;

const round = (n: number, decimals: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A valid EAN-13 from 12 digits. */
export function ean13(first12: string): string {
  const sum = [...first12].reduce((s, c, i) => s + Number(c) * (i % 2 === 0 ? 1 : 3), 0);
  return `${first12}${(10 - (sum % 10)) % 10}`;
}

export function generatedProductNumber(serial: number): string {
  return `${GENERATED_PRODUCT_PREFIX}${String(serial).padStart(5, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Eligibility: what the world offers each kind (on the Multicase side)

interface Pools {
  stockProducts: ProductInfo[];
  serviceProducts: ProductInfo[];
  sellable: ProductInfo[];
  changeablePurchaseOrders: PurchaseOrderInfo[];
  deactivatable: ProductInfo[];
}

function pools(world: World): Pools {
  const stockProducts = world.products.filter((p) => p.usable && !p.isService);
  return {
    stockProducts,
    serviceProducts: world.products.filter((p) => p.usable && p.isService),
    sellable: stockProducts.filter((p) => p.available >= 1 + SAFETY_STOCK),
    // Ongoing refuses changes once receiving has started, so only untouched ones are changed.
    changeablePurchaseOrders: world.purchaseOrders.filter((po) => po.status === 'open' && po.lines.every((l) => l.quantityReceived === 0)),
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
export function planNextAction(rng: Rng, world: World, mix: Readonly<Record<ActionKind, number>> = DEFAULT_MIX): PlannedAction | NothingToDo {
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
      return { kind, candidates: sample(rng, world.pickingListsAtWarehouse, ONGOING_CANDIDATES), discrepancy: chance(rng, 0.3), shortPick: chance(rng, 0.5) };
    case 'shipOrder': {
      const candidates = sample(rng, world.pickingListsAtWarehouse, ONGOING_CANDIDATES);
      const waybill = `GEN${int(rng, 10_000_000, 99_999_999)}NO`;
      const parcels = weighted(rng, [
        [1, 7],
        [2, 2],
        [3, 1],
      ] as const)!;
      return { kind, candidates, waybill, trackingUrl: `https://tracking.example/${waybill}`, parcels, preferPicked: chance(rng, 0.8) };
    }
    case 'receiveReturn':
      return { kind, candidates: sample(rng, world.returnsAtWarehouse, ONGOING_CANDIDATES), partial: chance(rng, 0.2) };
    case 'adjustStock':
      return planAdjustStock(rng, p);
  }
}

function planCreateProduct(rng: Rng, world: World): PlannedAction {
  const key = generatedProductNumber(world.nextProductSerial);
  if (chance(rng, 0.15)) {
    const description = pick(rng, SERVICES);
    return { kind: 'createProduct', key, detail: `service item "${description}"`, input: { productNumber: key, description, isService: true, productGroup: 'Tjenester' } };
  }
  const family = pick(rng, FAMILIES);
  const description = `${pick(rng, ADJECTIVES)} ${pick(rng, family.nouns)}`;
  const [lengthCm, widthCm, heightCm] = [int(rng, 10, 60), int(rng, 5, 40), int(rng, 2, 30)];
  const input: ProductInput = {
    productNumber: key,
    description,
    ean: ean13(`7071239${String(world.nextProductSerial % 100_000).padStart(5, '0')}`),
    weightKg: round(family.weight[0] + rng() * (family.weight[1] - family.weight[0]), 3),
    lengthCm,
    widthCm,
    heightCm,
    volumeDm3: round((lengthCm * widthCm * heightCm) / 1000, 3),
    supplierNumber: world.suppliers.includes(family.supplier) ? family.supplier : world.suppliers.length > 0 ? pick(rng, world.suppliers) : null,
    productGroup: family.group,
  };
  return { kind: 'createProduct', key, detail: `"${description}" (${family.group})`, input };
}

function planUpdateProduct(rng: Rng, product: ProductInfo): PlannedAction {
  const key = product.productNumber;
  if (product.isService || chance(rng, 0.5)) {
    const base = product.description.replace(/ \(modell \d+\)$/, '');
    const description = `${base} (modell ${int(rng, 2, 99)})`;
    return { kind: 'updateProduct', key, detail: `rename to "${description}"`, changes: { description } };
  }
  const old = product.weightKg;
  let weightKg = old === null ? round(0.1 + rng() * 2, 3) : round(old * (0.8 + rng() * 0.4), 3);
  if (weightKg === old || weightKg <= 0) weightKg = round((old ?? 0) + 0.05, 3);
  return { kind: 'updateProduct', key, detail: `weight ${old ?? '-'} → ${weightKg} kg`, changes: { weightKg } };
}

function purchaseLines(rng: Rng, products: ProductInfo[], from = 1): PurchaseOrderInput['lines'] {
  return products.map((p, i) => ({ position: from + i, productNumber: p.productNumber, quantityOrdered: int(rng, 1, 20) * 5, unitPrice: int(rng, 20, 900) }));
}

function planCreatePurchaseOrder(rng: Rng, world: World, p: Pools): PlannedAction {
  const withProducts = world.suppliers.filter((s) => p.stockProducts.some((x) => x.supplierNumber === s));
  const supplierNumber = withProducts.length > 0 ? pick(rng, withProducts) : pick(rng, world.suppliers);
  const own = p.stockProducts.filter((x) => x.supplierNumber === supplierNumber);
  const pool = own.length > 0 ? own : p.stockProducts;
  const count = Math.min(int(rng, 1, 4), pool.length);
  const replenish = chance(rng, 0.5);
  const chosen = replenish ? sample(rng, [...pool].sort((a, b) => a.available - b.available || a.id - b.id).slice(0, count * 2), count) : sample(rng, pool, count);
  const lines = purchaseLines(rng, chosen);
  const input: PurchaseOrderInput = {
    supplierNumber,
    warehouseCode: GENERATOR_WAREHOUSE,
    expectedDate: addDays(world.today, int(rng, 2, 21)),
    reference: replenish ? 'Påfylling lav beholdning' : null,
    lines,
  };
  return { kind: 'createPurchaseOrder', detail: `${supplierNumber}: ${lines.map((l) => `${l.quantityOrdered} × ${l.productNumber}`).join(', ')}`, input };
}

function planChangePurchaseOrder(rng: Rng, world: World, p: Pools, po: PurchaseOrderInfo): PlannedAction {
  let lines: PurchaseOrderInput['lines'] = po.lines.map((l) => ({ position: l.position, productNumber: l.productNumber, quantityOrdered: l.quantityOrdered, unitPrice: l.unitPrice }));
  let expectedDate = po.expectedDate;
  const onPo = new Set(lines.map((l) => l.productNumber));
  const addable = p.stockProducts.filter((x) => !onPo.has(x.productNumber));
  const modes = ['quantity', 'expectedDate', ...(lines.length < 4 && addable.length > 0 ? ['addLine'] : []), ...(lines.length > 1 ? ['removeLine'] : [])];
  const mode = pick(rng, modes);
  let detail: string;
  if (mode === 'quantity') {
    const i = int(rng, 0, lines.length - 1);
    const line = lines[i]!;
    let quantityOrdered = int(rng, 1, 20) * 5;
    if (quantityOrdered === line.quantityOrdered) quantityOrdered += 5;
    lines[i] = { ...line, quantityOrdered };
    detail = `line ${line.position}: ${line.quantityOrdered} → ${quantityOrdered}`;
  } else if (mode === 'addLine') {
    const own = addable.filter((x) => x.supplierNumber === po.supplierNumber);
    const product = pick(rng, own.length > 0 ? own : addable);
    const [line] = purchaseLines(rng, [product], Math.max(...lines.map((l) => l.position)) + 1);
    lines = [...lines, line!];
    detail = `add line ${line!.position}: ${line!.quantityOrdered} × ${product.productNumber}`;
  } else if (mode === 'removeLine') {
    const removed = pick(rng, lines);
    lines = lines.filter((l) => l !== removed);
    detail = `remove line ${removed.position} (${removed.productNumber})`;
  } else {
    expectedDate = addDays(expectedDate ?? world.today, int(rng, 1, 10));
    detail = `expected ${po.expectedDate ?? '-'} → ${expectedDate}`;
  }
  return {
    kind: 'changePurchaseOrder',
    key: po.purchaseOrderNumber,
    detail,
    input: { purchaseOrderNumber: po.purchaseOrderNumber, supplierNumber: po.supplierNumber, warehouseCode: GENERATOR_WAREHOUSE, expectedDate, reference: po.reference, note: po.note, lines },
  };
}

function planCreateSalesOrder(rng: Rng, world: World, p: Pools): PlannedAction {
  const customer = pick(rng, world.customers);
  const preferred = customer.preferredShippingMethodId;
  const shippingMethod = preferred !== null && world.shippingMethodIds.includes(preferred) && chance(rng, 0.6) ? preferred : pick(rng, world.shippingMethodIds);
  const chosen = sample(rng, p.sellable, Math.min(int(rng, 1, 3), p.sellable.length));
  const lines: SalesOrderInput['lines'] = chosen.map((x) => ({
    productNumber: x.productNumber,
    quantity: int(rng, 1, Math.min(4, Math.floor(x.available - SAFETY_STOCK))),
    unitPrice: int(rng, 99, 2499),
  }));
  if (p.serviceProducts.length > 0 && chance(rng, 0.15)) lines.push({ productNumber: pick(rng, p.serviceProducts).productNumber, quantity: 1, unitPrice: pick(rng, [49, 99, 149]) });
  const input: SalesOrderInput = {
    customerNumber: customer.customerNumber,
    shippingMethod,
    warehouseCode: GENERATOR_WAREHOUSE,
    deliveryDate: chance(rng, 0.3) ? addDays(world.today, int(rng, 1, 5)) : null,
    reference: `Nettordre ${int(rng, 10_000, 99_999)}`,
    lines: lines.map((l, i) => ({ ...l, position: i + 1 })),
  };
  return {
    kind: 'createSalesOrder',
    detail: `${customer.customerNumber} via freight ${shippingMethod}: ${lines.map((l) => `${l.quantity} × ${l.productNumber}`).join(', ')}`,
    input,
  };
}

function planRegisterReturn(rng: Rng, world: World): PlannedAction {
  const order = pick(rng, world.returnableOrders);
  const cause = pick(rng, RETURN_CAUSES);
  const chosen = sample(rng, order.lines, int(rng, 1, Math.min(2, order.lines.length)));
  const lines: ReturnLineInput[] = chosen.map((l) => ({ position: l.position, quantity: int(rng, 1, Math.max(1, Math.floor(l.returnable))), cause: cause.code }));
  return {
    kind: 'registerReturn',
    key: order.orderNumber,
    detail: `${cause.reason}: ${lines.map((l) => `${l.quantity} of line ${l.position}`).join(', ')}`,
    lines,
    reason: cause.reason,
  };
}

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
  return { kind: 'adjustStock', candidates: shuffle(rng, pool).slice(0, ONGOING_CANDIDATES).map((x) => x.productNumber), numberOfItems, cause: { ...a.cause }, comment: a.comment };
}
