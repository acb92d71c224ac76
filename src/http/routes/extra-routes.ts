// Routes of later features (recovery, support console) register here.
import type { AppContext } from '../../app/context.ts';
import type { App } from '../app-type.ts';

export async function registerExtraRoutes(_app: App, _ctx: AppContext): Promise<void> {}
