/** Flow 8 as pure functions: Ongoing's adjustments to events, their acknowledgement, the stock command, and what the sink books. */
import { describe, expect, it } from 'vitest';
import type { OngoingInventoryAdjustmentsLine } from '../connectors/ongoing/api/types/inventory-adjustments.js';
import {
  adjustmentReportOf,
  adjustmentToEvent,
  pairsOf,
  parseCauses,
  pickedOrderOf,
} from '../connectors/ongoing/inventory-adjustments.js';
import { inventoryAdjustmentToStock } from '../processors/inventory-adjustment-to-stock.js';
import { loadConfig } from '../runtime/config.js';
import { integratedWarehouseOngoingCode, warehouseSettings } from '../pipeline/settings.js';
import { planFall } from '../connectors/multicase/adapter/stock-adjustments.js';
import { causeText } from '../sinks/multicase/stock-adjustment.js';
import { ValidationError } from '../runtime/errors.js';

const PICK = parseCauses('PICKDIFF, lost ');
const warehouse = { id: 1, code: 'MAIN', name: 'Main warehouse' };

/** Two articles; TENT-2P has two items in inventory 7 (acknowledged together) and one in inventory 8. */
const lines = [
  {
    article: { articleSystemId: 11, articleNumber: 'TENT-2P', articleName: 'Tent', productCode: null },
    inventoryAdjustments: [
      {
        inventoryId: 7,
        numberOfItems: -2,
        inventoryTime: '2026-12-01T10:00:00Z',
        inventoryItemComment: 'Dropped on floor',
        inventoryAdjustmentCause: { code: 'DMG', name: 'Damaged' },
        warehouse,
      },
      {
        inventoryId: 7,
        numberOfItems: 5,
        inventoryTime: '2026-12-01T11:00:00Z',
        inventoryItemComment: null,
        inventoryAdjustmentCause: { code: 'DMG', name: 'Damaged' },
        warehouse,
      },
      {
        inventoryId: 8,
        numberOfItems: -1,
        inventoryTime: '2026-12-02T09:00:00Z',
        inventoryItemComment: 'Not found while picking order 300012',
        inventoryAdjustmentCause: { code: 'PICKDIFF', name: 'Picking discrepancy' },
        warehouse,
      },
    ],
  },
  // Real Ongoing is not our simulator: everything optional may be null or absent.
  {
    article: { articleSystemId: 12, articleNumber: 'MUG' },
    inventoryAdjustments: [{ inventoryId: 7, numberOfItems: 3 }],
  },
] as unknown as OngoingInventoryAdjustmentsLine[];

describe('inventory adjustments from Ongoing', () => {
  it('group by inventory and article, each pair one event with its signed total', () => {
    const pairs = pairsOf(lines);
    expect(pairs.map((p) => [p.inventoryId, p.article?.articleNumber, p.items.length])).toEqual([
      [7, 'TENT-2P', 2],
      [8, 'TENT-2P', 1],
      [7, 'MUG', 1],
    ]);
    const { key, value } = adjustmentToEvent(pairs[0]!, 1_000, PICK);
    expect(key).toBe('TENT-2P');
    expect(value.eventId).toBe('ongoing:inventory-adjustment:7:11:2x3');
    expect(value.after).toEqual({
      inventoryId: 7,
      articleSystemId: 11,
      articleNumber: 'TENT-2P',
      numberOfItems: 3,
      adjustedAt: Date.parse('2026-12-01T11:00:00Z'),
      causeCode: 'DMG',
      causeName: 'Damaged',
      comment: 'Dropped on floor',
      location: null,
      warehouse: 'MAIN',
      pickedOrderNumber: null,
    });
    // The same items read again give the same id: a repeat, not a new adjustment.
    expect(adjustmentToEvent(pairsOf(lines)[0]!, 9_999, PICK).value.eventId).toBe(value.eventId);
  });

  it('accept null and absent optional fields', () => {
    const { value } = adjustmentToEvent(pairsOf(lines)[2]!, 1_000, PICK);
    expect(value.after).toMatchObject({
      articleNumber: 'MUG',
      numberOfItems: 3,
      adjustedAt: null,
      causeCode: null,
      causeName: null,
      comment: null,
      warehouse: null,
    });
    expect(value.occurredAt).toBe(1_000);
  });

  it('name the order a picking discrepancy was found on, only for a picking-discrepancy cause', () => {
    expect(adjustmentToEvent(pairsOf(lines)[1]!, 1_000, PICK).value.after!.pickedOrderNumber).toBe('300012');
    expect(pickedOrderOf(['DMG'], ['Not found while picking order 300012'], PICK)).toBeNull();
    expect(pickedOrderOf(['LOST'], ['missing on order no. A-17'], PICK)).toBe('A-17');
    expect(pickedOrderOf(['PICKDIFF'], ['shelf empty'], PICK)).toBeNull();
  });

  it('refuse a pair they cannot read, naming the field', () => {
    const bad = pairsOf([
      {
        article: { articleSystemId: 13, articleNumber: 'X' },
        inventoryAdjustments: [{ inventoryId: 9, numberOfItems: null }],
      },
    ] as never);
    expect(() => adjustmentToEvent(bad[0]!, 1_000, PICK)).toThrow(
      /Ongoing inventory adjustment 9\/13: field inventoryAdjustments\[0\]\.numberOfItems is not a number/,
    );
    const nameless = pairsOf([
      {
        article: { articleSystemId: 14, articleNumber: ' ' },
        inventoryAdjustments: [{ inventoryId: 9, numberOfItems: 1 }],
      },
    ] as never);
    expect(() => adjustmentToEvent(nameless[0]!, 1_000, PICK)).toThrow(ValidationError);
    const noInventory = pairsOf([
      { article: { articleSystemId: 15, articleNumber: 'Y' }, inventoryAdjustments: [{ numberOfItems: 1 }] },
    ] as never);
    expect(() => adjustmentToEvent(noInventory[0]!, 1_000, PICK)).toThrow(
      /field inventoryAdjustments\[\]\.inventoryId is missing/,
    );
  });

  it('are acknowledged per inventory and article', () => {
    const { value } = adjustmentToEvent(pairsOf(lines)[0]!, 1_000, PICK);
    const report = adjustmentReportOf(value);
    expect(report.key).toBe('TENT-2P');
    expect(report.value.payload).toEqual({ inventoryId: 7, articleSystemId: 11, articleNumber: 'TENT-2P' });
    expect(report.value.commandId).toBe(`${value.eventId}>ongoing.inventory-adjustment.report`);
  });
});

describe('an adjustment event to a stock command', () => {
  const event = (over: object = {}) => {
    const { value } = adjustmentToEvent(pairsOf(lines)[1]!, 1_000, PICK);
    return { ...value, after: { ...value.after!, ...over } };
  };

  it('carries the total, cause code and name and the picking list, for the warehouse Ongoing runs', () => {
    expect(inventoryAdjustmentToStock(event(), { integratedWarehouse: 'MAIN' })).toEqual({
      adjustmentId: 'inventory 8/article 11',
      productNumber: 'TENT-2P',
      quantityChange: -1,
      adjustedAt: Date.parse('2026-12-02T09:00:00Z'),
      causeCode: 'PICKDIFF',
      causeName: 'Picking discrepancy',
      comment: 'Not found while picking order 300012',
      pickingListNumber: '300012',
      warehouseCode: 'MAIN',
    });
  });

  it('skips an adjustment in another Ongoing warehouse; one that names none is ours', () => {
    expect(inventoryAdjustmentToStock(event({ warehouse: 'OTHER' }), { integratedWarehouse: 'MAIN' })).toBeNull();
    expect(inventoryAdjustmentToStock(event({ warehouse: null }), { integratedWarehouse: 'MAIN' })!.warehouseCode).toBe(
      'MAIN',
    );
  });

  it("knows the warehouse by Ongoing's own code when that differs from Multicase's (ONGOING_WAREHOUSE_CODE)", () => {
    const lookups = { integratedWarehouse: 'MAIN', integratedWarehouseOngoingCode: 'WH1' };
    expect(inventoryAdjustmentToStock(event({ warehouse: 'WH1' }), lookups)!.warehouseCode).toBe('MAIN');
    expect(inventoryAdjustmentToStock(event({ warehouse: 'MAIN' }), lookups)).toBeNull();
    const ongoingCodeWith = (env: NodeJS.ProcessEnv) =>
      integratedWarehouseOngoingCode(loadConfig(warehouseSettings, env));
    expect(ongoingCodeWith({ MULTICASE_ONGOING_WAREHOUSE: 'MAIN' })).toBe('MAIN');
    expect(ongoingCodeWith({ MULTICASE_ONGOING_WAREHOUSE: 'MAIN', ONGOING_WAREHOUSE_CODE: 'WH1' })).toBe('WH1');
  });

  it('names the field and record it cannot map', () => {
    expect(() => inventoryAdjustmentToStock(event({ articleNumber: '' }), { integratedWarehouse: 'MAIN' })).toThrow(
      'Ongoing inventory adjustment 8/11: field articleNumber is missing',
    );
  });
});

describe('what the Multicase sink books', () => {
  it('a fall in full, releasing what allocation stands in the way; only what goes below zero is left', () => {
    expect(planFall(3, 10, 2)).toEqual({ book: 3, notBooked: 0, release: 0 });
    expect(planFall(5, 10, 7)).toEqual({ book: 5, notBooked: 0, release: 2 });
    expect(planFall(5, 3, 0)).toEqual({ book: 3, notBooked: 2, release: 0 });
    expect(planFall(5, 3, 3)).toEqual({ book: 3, notBooked: 2, release: 3 });
    expect(planFall(5, 0, 0)).toEqual({ book: 0, notBooked: 5, release: 0 });
  });

  it('names the cause, and for a picking discrepancy where it was found', () => {
    expect(
      causeText({ causeCode: 'PICKDIFF', causeName: 'Picking discrepancy', pickingListNumber: '300012' }, '100034'),
    ).toBe('PICKDIFF Picking discrepancy (picking list 300012, order 100034)');
    expect(causeText({ causeCode: 'COUNT', causeName: null, pickingListNumber: null }, null)).toBe('COUNT');
    expect(causeText({ causeCode: null, causeName: null, pickingListNumber: null }, null)).toBe(
      'stock changed in the warehouse',
    );
  });
});
