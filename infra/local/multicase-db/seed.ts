/**
 * Demo reference data: the warehouses, suppliers, shipping methods, customers and products a
 * fresh Multicase installation of a small Norwegian web shop might have. Safe to run again:
 * rows that exist (by business key) are left as they are, and stock is only set where a product
 * has none recorded yet.
 */
import type { Knex } from 'knex';
import { createProduct, setStock, type ProductInput } from './actions.js';

export const DEMO_WAREHOUSES = [
  { code: 'MAIN', name: 'Hovedlager Oslo (Ongoing 3PL)' },
  { code: 'STORE', name: 'Butikklager Bergen' },
] as const;

export const DEMO_SUPPLIERS = [
  { supplier_number: 'S1001', name: 'Nordic Outdoor Supply AS' },
  { supplier_number: 'S1002', name: 'Fjell Textiles AB' },
  { supplier_number: 'S1003', name: 'Kaffebrenneriet Import AS' },
] as const;

/**
 * Multicase freight methods; ids are Multicase FreightIDs. Only PN-LOCKER needs a pickup point on
 * the order (the carrier picks the nearest one for the others, e.g. BRING-SP by post code).
 */
export const DEMO_SHIPPING_METHODS = [
  {
    id: 1,
    name: 'PostNord MyPack Collect',
    short_name: 'PN-COLLECT',
    carrier: 'PostNord',
    active: true,
    needs_pickup_point: false,
  },
  {
    id: 2,
    name: 'Bring Pakke i postkassen',
    short_name: 'BRING-PIP',
    carrier: 'Bring',
    active: true,
    needs_pickup_point: false,
  },
  {
    id: 3,
    name: 'Bring Pakke til hentested',
    short_name: 'BRING-SP',
    carrier: 'Bring',
    active: true,
    needs_pickup_point: false,
  },
  {
    id: 4,
    name: 'DHL Express Worldwide',
    short_name: 'DHL-EXP',
    carrier: 'DHL',
    active: true,
    needs_pickup_point: false,
  },
  { id: 5, name: 'Henting på lager', short_name: 'PICKUP', carrier: null, active: true, needs_pickup_point: false },
  {
    id: 6,
    name: 'Schenker System (utgått)',
    short_name: 'DBS-SYS',
    carrier: 'DB Schenker',
    active: false,
    needs_pickup_point: false,
  },
  {
    id: 7,
    name: 'PostNord Pakkeboks',
    short_name: 'PN-LOCKER',
    carrier: 'PostNord',
    active: true,
    needs_pickup_point: true,
  },
] as const;

/** Customers with their payment terms (days from invoice to due date). */
export const DEMO_CUSTOMERS = [
  {
    customer_number: 'C10001',
    name: 'Kari Nordmann',
    email: 'kari@example.no',
    phone: '+4791234567',
    address1: 'Storgata 1',
    post_code: '0155',
    city: 'Oslo',
    country_code: 'NO',
    preferred_shipping_method_id: 2,
    payment_terms_days: 14,
  },
  {
    customer_number: 'C10002',
    name: 'Ola Hansen',
    email: 'ola@example.no',
    phone: '+4792345678',
    address1: 'Bryggen 12',
    post_code: '5003',
    city: 'Bergen',
    country_code: 'NO',
    preferred_shipping_method_id: 3,
    payment_terms_days: 14,
  },
  {
    customer_number: 'C10003',
    name: 'Anna Svensson',
    email: 'anna@example.se',
    phone: '+46701234567',
    address1: 'Drottninggatan 5',
    post_code: '11151',
    city: 'Stockholm',
    country_code: 'SE',
    preferred_shipping_method_id: 1,
    payment_terms_days: 30,
  },
  {
    customer_number: 'C10004',
    name: 'Fjellsport Butikk AS',
    email: 'ordre@fjellsport.example.no',
    phone: '+4722334455',
    address1: 'Kongens gate 20',
    post_code: '7011',
    city: 'Trondheim',
    country_code: 'NO',
    preferred_shipping_method_id: 4,
    payment_terms_days: 30,
    vat_number: 'NO923456789MVA',
    organisation_number: '923456789',
  },
] as const;

export const DEMO_PRODUCTS: readonly (ProductInput & { stock?: number })[] = [
  {
    productNumber: 'TENT-2P',
    description: 'Lettvektstelt 2 personer',
    ean: '7071234500017',
    weightKg: 2.1,
    lengthCm: 45,
    widthCm: 18,
    heightCm: 18,
    volumeDm3: 14.58,
    supplierNumber: 'S1001',
    productGroup: 'Camping',
    countryOfOrigin: 'CN',
    customsCode: '63062200',
    netWeightKg: 1.9,
    unitsPerPackage: 4,
    costPrice: 1190,
    stock: 40,
  },
  {
    productNumber: 'SLBAG-3S',
    description: 'Sovepose 3-sesong',
    description2: 'Komfort -5 °C',
    ean: '7071234500024',
    weightKg: 1.4,
    lengthCm: 38,
    widthCm: 22,
    heightCm: 22,
    volumeDm3: 18.39,
    supplierNumber: 'S1001',
    productGroup: 'Camping',
    stock: 60,
  },
  {
    productNumber: 'JACKET-M',
    description: 'Skalljakke herre M',
    ean: '7071234500031',
    weightKg: 0.55,
    lengthCm: 35,
    widthCm: 28,
    heightCm: 6,
    volumeDm3: 5.88,
    supplierNumber: 'S1002',
    productGroup: 'Klær',
    countryOfOrigin: 'VN',
    customsCode: '62019300',
    netWeightKg: 0.5,
    costPrice: 740,
    stock: 120,
  },
  {
    productNumber: 'WOOL-SOCK',
    description: 'Ullsokk 2-pakning',
    ean: '7071234500048',
    unit: 'pack',
    weightKg: 0.12,
    lengthCm: 20,
    widthCm: 10,
    heightCm: 3,
    volumeDm3: 0.6,
    supplierNumber: 'S1002',
    productGroup: 'Klær',
    stock: 500,
  },
  {
    productNumber: 'COFFEE-500',
    description: 'Turkaffe kokmalt 500 g',
    ean: '7071234500055',
    weightKg: 0.52,
    lengthCm: 18,
    widthCm: 9,
    heightCm: 6,
    volumeDm3: 0.97,
    supplierNumber: 'S1003',
    productGroup: 'Mat',
    stock: 200,
  },
  { productNumber: 'GIFTWRAP', description: 'Gaveinnpakning', isService: true, productGroup: 'Tjenester' },
];

export interface SeedSummary {
  warehouses: number;
  suppliers: number;
  shippingMethods: number;
  customers: number;
  products: number;
}

export async function seedDemoData(db: Knex): Promise<SeedSummary> {
  const inserted = async (table: string, rows: readonly object[], key: string) =>
    (
      (await db(`multicase.${table}`)
        .insert(rows.map((r) => ({ ...r })))
        .onConflict(key)
        .ignore()
        .returning(key)) as unknown[]
    ).length;

  const summary: SeedSummary = {
    warehouses: await inserted('warehouses', DEMO_WAREHOUSES, 'code'),
    suppliers: await inserted('suppliers', DEMO_SUPPLIERS, 'supplier_number'),
    shippingMethods: await inserted('shipping_methods', DEMO_SHIPPING_METHODS, 'id'),
    customers: await inserted('customers', DEMO_CUSTOMERS, 'customer_number'),
    products: 0,
  };
  for (const { stock, ...product } of DEMO_PRODUCTS) {
    const exists = await db('multicase.products').where({ product_number: product.productNumber }).first('id');
    if (!exists) {
      await createProduct(db, product);
      summary.products += 1;
    }
    const stocked = await db('multicase.stock as s')
      .join('multicase.products as p', 'p.id', 's.product_id')
      .where('p.product_number', product.productNumber)
      .first('s.product_id');
    if (stock !== undefined && !stocked)
      await setStock(db, product.productNumber, DEMO_WAREHOUSES[0].code, stock, {
        reference: 'seed',
        cause: 'opening balance',
      });
  }
  return summary;
}
