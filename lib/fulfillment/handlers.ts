import "server-only";
// One handler per task type in task-types.ts. Provider-calling handlers go through the adapter.
import type { TaskType } from "./task-types";
import type { HandlerRegistry } from "./worker";
import { providerFromEnv, type Provider } from "./provider";

export function createHandlers(provider: Provider = providerFromEnv()): HandlerRegistry & Record<TaskType, HandlerRegistry[string]> {
  const viaProvider = (operation: TaskType) => async (task: { payload: unknown }) => {
    await provider.call(operation, task.payload as Record<string, unknown>);
  };
  return {
    reserve_inventory: viaProvider("reserve_inventory"),
    capture_payment: viaProvider("capture_payment"),
    ship_order_item: viaProvider("ship_order_item"),
    notify_customer: viaProvider("notify_customer"),
    noop: async () => {},
  };
}
