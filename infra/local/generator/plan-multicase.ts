/**
 * The details of what a Multicase user does: new and changed products, purchase orders, customer
 * orders and returns, filled in completely from the random stream and what Multicase shows
 * (planNextAction in plan.ts has already chosen the kind).
 */
import type { ProductInput, PurchaseOrderInput, ReturnLineInput, SalesOrderInput } from '../multicase-db/actions.js';
import { SAFETY_STOCK, type CodeName, type PlannedAction } from './action-kinds.js';
import { chance, int, pick, sample, type Rng } from './rng.js';
import {
  GENERATED_PRODUCT_PREFIX,
  GENERATOR_WAREHOUSE,
  type ProductInfo,
  type PurchaseOrderInfo,
  type World,
} from './world.js';

/** What the world offers each kind of action (on the Multicase side). */
export interface Pools {
  stockProducts: ProductInfo[];
  serviceProducts: ProductInfo[];
  sellable: ProductInfo[];
  changeablePurchaseOrders: PurchaseOrderInfo[];
  deactivatable: ProductInfo[];
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const FAMILIES = [
  {
    group: 'Camping',
    supplier: 'S1001',
    weight: [0.2, 3.5],
    nouns: ['telt', 'sovepose', 'liggeunderlag', 'stormkjøkken', 'hodelykt', 'termos', 'tursekk 30 l', 'hengekøye'],
  },
  {
    group: 'Klær',
    supplier: 'S1002',
    weight: [0.05, 1.2],
    nouns: ['ullgenser', 'fleecejakke', 'regnbukse', 'lue', 'votter', 'ullsokk', 'buff', 'turbukse'],
  },
  {
    group: 'Mat',
    supplier: 'S1003',
    weight: [0.1, 1.0],
    nouns: ['turkaffe', 'tørrmat pasta', 'sjokolade', 'te', 'nøttemiks', 'havregryn'],
  },
] as const;
const ADJECTIVES = [
  'Lett',
  'Varm',
  'Robust',
  'Vanntett',
  'Kompakt',
  'Klassisk',
  'Ultralett',
  'Slitesterk',
  'Myk',
  'Vindtett',
];
const SERVICES = [
  'Montering',
  'Gaveinnpakning premium',
  'Ekspressgebyr',
  'Impregnering',
  'Servicepakke telt',
  'Gravering',
];
const RETURN_CAUSES: readonly (CodeName & { reason: string })[] = [
  { code: 'WRONG_SIZE', name: 'Wrong size', reason: 'Feil størrelse' },
  { code: 'DAMAGED', name: 'Damaged in transport', reason: 'Skadet ved levering' },
  { code: 'NOT_AS_DESCRIBED', name: 'Not as described', reason: 'Ikke som beskrevet' },
  { code: 'REGRET', name: 'Changed mind', reason: 'Angrerett' },
];

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
// The planners

export function planCreateProduct(rng: Rng, world: World): PlannedAction {
  const key = generatedProductNumber(world.nextProductSerial);
  if (chance(rng, 0.15)) {
    const description = pick(rng, SERVICES);
    return {
      kind: 'createProduct',
      key,
      detail: `service item "${description}"`,
      input: { productNumber: key, description, isService: true, productGroup: 'Tjenester' },
    };
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
    supplierNumber: world.suppliers.includes(family.supplier)
      ? family.supplier
      : world.suppliers.length > 0
        ? pick(rng, world.suppliers)
        : null,
    productGroup: family.group,
  };
  return { kind: 'createProduct', key, detail: `"${description}" (${family.group})`, input };
}

export function planUpdateProduct(rng: Rng, product: ProductInfo): PlannedAction {
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
  return products.map((p, i) => ({
    position: from + i,
    productNumber: p.productNumber,
    quantityOrdered: int(rng, 1, 20) * 5,
    unitPrice: int(rng, 20, 900),
  }));
}

export function planCreatePurchaseOrder(rng: Rng, world: World, p: Pools): PlannedAction {
  const withProducts = world.suppliers.filter((s) => p.stockProducts.some((x) => x.supplierNumber === s));
  const supplierNumber = withProducts.length > 0 ? pick(rng, withProducts) : pick(rng, world.suppliers);
  const own = p.stockProducts.filter((x) => x.supplierNumber === supplierNumber);
  const pool = own.length > 0 ? own : p.stockProducts;
  const count = Math.min(int(rng, 1, 4), pool.length);
  const replenish = chance(rng, 0.5);
  const chosen = replenish
    ? sample(rng, [...pool].sort((a, b) => a.available - b.available || a.id - b.id).slice(0, count * 2), count)
    : sample(rng, pool, count);
  const lines = purchaseLines(rng, chosen);
  const input: PurchaseOrderInput = {
    supplierNumber,
    warehouseCode: GENERATOR_WAREHOUSE,
    expectedDate: addDays(world.today, int(rng, 2, 21)),
    reference: replenish ? 'Påfylling lav beholdning' : null,
    lines,
  };
  return {
    kind: 'createPurchaseOrder',
    detail: `${supplierNumber}: ${lines.map((l) => `${l.quantityOrdered} × ${l.productNumber}`).join(', ')}`,
    input,
  };
}

export function planChangePurchaseOrder(rng: Rng, world: World, p: Pools, po: PurchaseOrderInfo): PlannedAction {
  let lines: PurchaseOrderInput['lines'] = po.lines.map((l) => ({
    position: l.position,
    productNumber: l.productNumber,
    quantityOrdered: l.quantityOrdered,
    unitPrice: l.unitPrice,
  }));
  let expectedDate = po.expectedDate;
  const onPo = new Set(lines.map((l) => l.productNumber));
  const addable = p.stockProducts.filter((x) => !onPo.has(x.productNumber));
  const modes = [
    'quantity',
    'expectedDate',
    ...(lines.length < 4 && addable.length > 0 ? ['addLine'] : []),
    ...(lines.length > 1 ? ['removeLine'] : []),
  ];
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
    input: {
      purchaseOrderNumber: po.purchaseOrderNumber,
      supplierNumber: po.supplierNumber,
      warehouseCode: GENERATOR_WAREHOUSE,
      expectedDate,
      reference: po.reference,
      note: po.note,
      lines,
    },
  };
}

export function planCreateSalesOrder(rng: Rng, world: World, p: Pools): PlannedAction {
  const customer = pick(rng, world.customers);
  const preferred = customer.preferredShippingMethodId;
  const shippingMethod =
    preferred !== null && world.shippingMethodIds.includes(preferred) && chance(rng, 0.6)
      ? preferred
      : pick(rng, world.shippingMethodIds);
  const chosen = sample(rng, p.sellable, Math.min(int(rng, 1, 3), p.sellable.length));
  const lines: SalesOrderInput['lines'] = chosen.map((x) => ({
    productNumber: x.productNumber,
    quantity: int(rng, 1, Math.min(4, Math.floor(x.available - SAFETY_STOCK))),
    unitPrice: int(rng, 99, 2499),
  }));
  if (p.serviceProducts.length > 0 && chance(rng, 0.15))
    lines.push({
      productNumber: pick(rng, p.serviceProducts).productNumber,
      quantity: 1,
      unitPrice: pick(rng, [49, 99, 149]),
    });
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

export function planRegisterReturn(rng: Rng, world: World): PlannedAction {
  const order = pick(rng, world.returnableOrders);
  const cause = pick(rng, RETURN_CAUSES);
  const chosen = sample(rng, order.lines, int(rng, 1, Math.min(2, order.lines.length)));
  // Most goods go back on the shelf; a damaged one now and then is scrapped in Multicase.
  const lines: ReturnLineInput[] = chosen.map((l) => ({
    position: l.position,
    quantity: int(rng, 1, Math.max(1, Math.floor(l.returnable))),
    cause: cause.code,
    handling: chance(rng, 0.15) ? 'scrap' : 'to_stock',
  }));
  const settlement = chance(rng, 0.2) ? 'replace' : 'credit';
  return {
    kind: 'registerReturn',
    key: order.orderNumber,
    detail: `${cause.reason}, ${settlement}: ${lines.map((l) => `${l.quantity} of line ${l.position}${l.handling === 'scrap' ? ' (scrap)' : ''}`).join(', ')}`,
    lines,
    reason: cause.reason,
    settlement,
  };
}
