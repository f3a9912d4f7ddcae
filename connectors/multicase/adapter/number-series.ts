/**
 * Multicase's document-number series: the sequence each is drawn from and its first number.
 * Multicase owns these sequences; the integration only allocates from them, so this is the
 * contract it relies on (the local stand-in schema creates the sequences from this same list).
 */
import type { MulticaseDb } from './commands.js';

export const NUMBER_SERIES = {
  sales_order: { sequence: 'sales_order_number_seq', start: 100001 },
  purchase_order: { sequence: 'purchase_order_number_seq', start: 200001 },
  picking_list: { sequence: 'picking_list_number_seq', start: 300001 },
  return_order: { sequence: 'return_number_seq', start: 400001 },
  invoice: { sequence: 'invoice_number_seq', start: 500001 },
  packing_slip: { sequence: 'packing_slip_number_seq', start: 600001 },
  credit_note: { sequence: 'credit_note_number_seq', start: 700001 },
} as const;

export type NumberSeries = keyof typeof NUMBER_SERIES;

/**
 * The next number of a document series ('500001', …). Sequences never hand out a number twice,
 * even to concurrent transactions, but a rolled-back transaction leaves a gap.
 */
export async function allocateNumber(db: MulticaseDb, series: NumberSeries): Promise<string> {
  const seq = NUMBER_SERIES[series].sequence;
  const result = await db.raw(`SELECT nextval('multicase.${seq}')::text AS n`);
  return (result.rows[0] as { n: string }).n;
}
