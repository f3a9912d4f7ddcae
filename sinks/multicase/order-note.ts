/**
 * Flow 4, Multicase side: what the warehouse refused goes into the order's history, where the
 * user works (a change or cancel of a picking list after Ongoing started picking it). One entry
 * per refused command: the sink claims the note's command id, so a replay adds nothing.
 */
import { topics } from '../../schemas/catalog.js';
import type { OrderNote } from '../../schemas/types.generated.js';
import { UnmappableError } from '../../runtime/errors.js';
import { noteOnOrder } from '../../connectors/multicase/adapter/order-history.js';
import type { MulticaseCommandHandler } from './sink.js';

export const orderNoteHandler: MulticaseCommandHandler<OrderNote> = {
  name: 'sink.multicase.order-note',
  input: topics.orderNote,
  async apply(trx, note, command) {
    if (!(await noteOnOrder(trx, { orderNumber: note.orderNumber, text: note.text }, command.commandId)))
      throw new UnmappableError(
        `order note for picking list ${note.pickingListNumber ?? '?'}: field orderNumber ${note.orderNumber} is not a Multicase sales order`,
      );
  },
};
