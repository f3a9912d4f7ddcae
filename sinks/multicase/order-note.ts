/**
 * Flow 4, Multicase side: what the warehouse refused goes into the order's history, where the
 * user works (a change or cancel of a picking list after Ongoing started picking it). One entry
 * per refused command: the sink claims the note's command id, so a replay adds nothing.
 */
import type { Knex } from 'knex';
import { topics } from '../../schemas/catalog.js';
import type { OrderNote } from '../../schemas/types.generated.js';
import { UnmappableError } from '../../runtime/errors.js';
import { addOrderHistory } from './bookkeeping.js';
import type { MulticaseCommandHandler } from './sink.js';

export async function writeOrderNote(trx: Knex.Transaction, note: OrderNote, eventId: string): Promise<void> {
  const order = await trx('multicase.sales_orders').where('order_number', note.orderNumber).first('id');
  if (!order)
    throw new UnmappableError(
      `order note for picking list ${note.pickingListNumber ?? '?'}: field orderNumber ${note.orderNumber} is not a Multicase sales order`,
    );
  await addOrderHistory(trx, { salesOrderId: order.id as number, type: 'note', text: note.text, eventId });
}

export const orderNoteHandler: MulticaseCommandHandler<OrderNote> = {
  name: 'sink.multicase.order-note',
  input: topics.orderNote,
  apply: (trx, payload, command) => writeOrderNote(trx, payload, command.commandId),
};
