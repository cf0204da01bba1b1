// The fulfillment tasks one paid order needs: capture the payment, then per item reserve and ship,
// then notify the customer. Shared by checkout (payments) and the demo traffic simulator.
import type { EnqueueTask } from "./queue";

export interface OrderForTasks {
  reference: string;
  totalCents: number;
  currency: string;
  items: { id: string; sku: string; quantity: number }[];
}

export interface ShippingChoice {
  warehouse: string;
  carrier: string;
  postcode: string;
  channel: "email" | "sms";
}

export function fulfillmentTasksForOrder(order: OrderForTasks, ship: ShippingChoice): EnqueueTask[] {
  const first = order.items[0].id;
  return [
    { taskType: "capture_payment", orderItemId: first, payload: { orderReference: order.reference, amountCents: order.totalCents, currency: order.currency, orderItemId: first } },
    ...order.items.flatMap((it): EnqueueTask[] => [
      { taskType: "reserve_inventory", orderItemId: it.id, payload: { sku: it.sku, quantity: it.quantity, warehouse: ship.warehouse, orderItemId: it.id } },
      { taskType: "ship_order_item", orderItemId: it.id, payload: { sku: it.sku, quantity: it.quantity, carrier: ship.carrier, postcode: ship.postcode, orderItemId: it.id } },
    ]),
    { taskType: "notify_customer", orderItemId: first, payload: { orderReference: order.reference, channel: ship.channel, template: "order_shipped", orderItemId: first } },
  ];
}
