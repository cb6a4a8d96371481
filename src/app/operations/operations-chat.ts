/** Where delivery failures are reported and handled: the config's operations chat, else the managers' chat. */
import type { AppConfig } from '../../config/schema.ts';

export function operationsChatOf(config: AppConfig): string | undefined {
  return config.operationsChatId ?? config.managersChatId;
}
