// The Settings panel's form: the saved settings as the fields it shows, and back.
import type { DuplicateSettings, Settings, SortOrder } from './types';

export type ModelChoice = 'default' | 'demo' | 'other';

/** What the form's fields hold (text as typed; 0 for "show up to" means the default). */
export interface SettingsForm {
  library: string;
  choice: ModelChoice;
  customModel: string;
  threads: string;
  sort: SortOrder;
  showUpTo: number;
  /** Stack near-duplicates into one tile in the galleries. */
  stackDuplicates: boolean;
  /** The near-duplicate thresholds as typed; all blank means the defaults. */
  minCosine: string;
  maxHashDistance: string;
  burstSeconds: string;
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
    stackDuplicates: saved.stack_duplicates ?? true,
    minCosine: saved.duplicates ? String(saved.duplicates.min_cosine) : '',
    maxHashDistance: saved.duplicates ? String(saved.duplicates.max_hash_distance) : '',
    burstSeconds: saved.duplicates ? String(saved.duplicates.burst_seconds) : '',
  };
}

/** The thresholds the form says: null when all are blank, else each blank or unreadable one is its default. */
function duplicatesFrom(form: SettingsForm, defaults: DuplicateSettings): DuplicateSettings | null {
  const fields = [form.minCosine, form.maxHashDistance, form.burstSeconds];
  if (fields.every((f) => f.trim() === '')) return null;
  const read = (text: string, fallback: number, parse: (t: string) => number) => {
    const n = parse(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : fallback;
  };
  return {
    min_cosine: read(form.minCosine, defaults.min_cosine, Number.parseFloat),
    max_hash_distance: read(form.maxHashDistance, defaults.max_hash_distance, (t) => Number.parseInt(t, 10)),
    burst_seconds: read(form.burstSeconds, defaults.burst_seconds, (t) => Number.parseInt(t, 10)),
  };
}

/** The settings the form says, on top of `saved` (fields it does not show, the window's place, are kept); blank fields are the defaults. */
export function settingsFrom(form: SettingsForm, saved: Settings, defaults: DuplicateSettings): Settings {
  const threads = Number.parseInt(form.threads, 10);
  const model = form.choice === 'default' ? null : form.choice === 'demo' ? 'demo' : form.customModel.trim() || null;
  return {
    ...saved,
    library: form.library.trim() || null,
    model,
    index_threads: Number.isFinite(threads) && threads > 0 ? threads : null,
    sort: form.sort,
    show_up_to: form.showUpTo > 0 ? form.showUpTo : null,
    stack_duplicates: form.stackDuplicates ? null : false,
    duplicates: duplicatesFrom(form, defaults),
  };
}
