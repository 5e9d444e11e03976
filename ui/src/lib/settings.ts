// The Settings panel's form: the saved settings as the fields it shows, and back.
import type { Settings, SortOrder } from './types';

export type ModelChoice = 'default' | 'demo' | 'other';

/** What the form's fields hold (text as typed; 0 for "show up to" means the default). */
export interface SettingsForm {
  library: string;
  choice: ModelChoice;
  customModel: string;
  threads: string;
  sort: SortOrder;
  showUpTo: number;
}

/** No spec, or the default model's id, is "default"; "demo" is the demo model; anything else is "other". */
export function modelChoice(spec: string | null, defaultModel: string): ModelChoice {
  if (spec === null || spec.trim() === '' || spec === defaultModel) return 'default';
  return spec === 'demo' ? 'demo' : 'other';
}

export function formFrom(saved: Settings, defaultModel: string): SettingsForm {
  const choice = modelChoice(saved.model, defaultModel);
  return {
    library: saved.library ?? '',
    choice,
    customModel: choice === 'other' ? (saved.model ?? '') : '',
    threads: saved.index_threads === null ? '' : String(saved.index_threads),
    sort: saved.sort ?? 'relevance',
    showUpTo: saved.show_up_to ?? 0,
  };
}

/** The settings the form says, on top of `saved` (fields it does not show, the window's place, are kept); blank fields are the defaults. */
export function settingsFrom(form: SettingsForm, saved: Settings): Settings {
  const threads = Number.parseInt(form.threads, 10);
  const model = form.choice === 'default' ? null : form.choice === 'demo' ? 'demo' : form.customModel.trim() || null;
  return {
    ...saved,
    library: form.library.trim() || null,
    model,
    index_threads: Number.isFinite(threads) && threads > 0 ? threads : null,
    sort: form.sort,
    show_up_to: form.showUpTo > 0 ? form.showUpTo : null,
  };
}
