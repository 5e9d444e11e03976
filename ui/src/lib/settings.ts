// The Settings panel's form: the saved settings as the fields it shows, and back.
import type { DuplicateSettings, ModelListing, Settings, SortOrder } from './types';

/** The model select's value: a known model's id (the default and the demo model among them), or {@link OTHER_MODEL}. */
export type ModelChoice = string;
/** The model select's value for a Hugging Face id or folder typed in. */
export const OTHER_MODEL = 'other';

/** What the form's fields hold (text as typed; 0 for "show up to" means the default). */
export interface SettingsForm {
  library: string;
  choice: ModelChoice;
  customModel: string;
  threads: string;
  /** Threads for indexing while the user searches; blank means half. */
  threadsSearching: string;
  sort: SortOrder;
  showUpTo: number;
  /** Stack near-duplicates into one tile in the galleries. */
  stackDuplicates: boolean;
  /** The near-duplicate thresholds as typed; all blank means the defaults. */
  minCosine: string;
  maxHashDistance: string;
  burstSeconds: string;
}

/** No spec is the default model; a known model's id is itself; any other id or folder is {@link OTHER_MODEL}. */
export function modelChoice(spec: string | null, defaultModel: string, known: readonly string[]): ModelChoice {
  if (spec === null || spec.trim() === '') return defaultModel;
  return spec === defaultModel || known.includes(spec) ? spec : OTHER_MODEL;
}

export function formFrom(saved: Settings, defaultModel: string, known: readonly string[] = []): SettingsForm {
  const choice = modelChoice(saved.model, defaultModel, known);
  return {
    library: saved.library ?? '',
    choice,
    customModel: choice === OTHER_MODEL ? (saved.model ?? '') : '',
    threads: saved.index_threads === null ? '' : String(saved.index_threads),
    threadsSearching: saved.index_threads_while_searching === null ? '' : String(saved.index_threads_while_searching),
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
export function settingsFrom(form: SettingsForm, saved: Settings, defaults: DuplicateSettings, defaultModel: string): Settings {
  const count = (text: string) => {
    const n = Number.parseInt(text, 10);
    return Number.isFinite(n) && n > 0 ? n : null;
  };
  const model = form.choice === defaultModel ? null : form.choice === OTHER_MODEL ? form.customModel.trim() || null : form.choice;
  return {
    ...saved,
    library: form.library.trim() || null,
    model,
    index_threads: count(form.threads),
    index_threads_while_searching: count(form.threadsSearching),
    sort: form.sort,
    show_up_to: form.showUpTo > 0 ? form.showUpTo : null,
    stack_duplicates: form.stackDuplicates ? null : false,
    duplicates: duplicatesFrom(form, defaults),
  };
}

/** What the model list says of a model in one line: family, languages, size and whether it is here. */
export function modelSummary(m: ModelListing): string {
  const bytes = m.disk_bytes ?? m.download_bytes;
  const size = bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 1e6))} MB`;
  const languages = m.languages.map((l) => LANGUAGE_NAMES[l] ?? l).join(', ');
  return `${m.family}, ${languages}, ${size}${m.downloaded ? ', downloaded' : ''}`;
}

/** A model's published zero-shot figure and its source, or what is known instead. */
export function modelFigure(m: ModelListing): string {
  const z = m.zero_shot;
  if (z) return `${m.architecture}, ${m.dim}-wide vectors. ${z.benchmark}: ${z.value.toFixed(1)} (${z.source}).`;
  return `${m.architecture}, ${m.dim}-wide vectors. No published zero-shot figure recorded for this checkpoint.`;
}

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', zh: 'Chinese', ja: 'Japanese', ko: 'Korean' };

/** A model's vector column ("vec_<name>_<width>") as a person reads it: "<name>, <width>-wide". */
export function columnLabel(column: string): string {
  const m = /^vec_(.+)_(\d+)$/.exec(column);
  return m ? `${m[1]}, ${m[2]}-wide` : column;
}
