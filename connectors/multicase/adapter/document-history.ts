/**
 * The history of a purchase order or a return in Multicase: notes its users read where they work
 * the document (order_history is the same for sales orders). The integration writes a note there
 * when it raises or resolves an exception about the document.
 */
import type { MulticaseTransaction } from './commands.js';
import type { DocumentHistoryType } from './tables.js';

export type HistoryDocument = { purchaseOrderId: number } | { returnOrderId: number };

export async function addDocumentHistory(
  trx: MulticaseTransaction,
  document: HistoryDocument,
  entry: { type: DocumentHistoryType; text: string; eventId?: string | null },
): Promise<void> {
  await trx('multicase.document_history').insert({
    purchase_order_id: 'purchaseOrderId' in document ? document.purchaseOrderId : null,
    return_order_id: 'returnOrderId' in document ? document.returnOrderId : null,
    entry_type: entry.type,
    text: entry.text,
    event_id: entry.eventId ?? null,
  });
}
