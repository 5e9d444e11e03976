// Types of the Tauri backend contract (commands, events, errors) shared by the whole UI.

export type ModelStateName = 'ready' | 'loading' | 'downloading' | 'unavailable';

export interface ModelState {
  state: ModelStateName;
  name: string;
  message: string | null;
  /** 0..1 while downloading, otherwise null. */
  progress: number | null;
}

export interface Root {
  path: string;
  photos: number;
  online: boolean;
}

export interface Progress {
  done: number;
  total: number;
  /** Photos per second. */
  rate: number;
  eta_seconds: number | null;
}

export interface AppState {
  model: ModelState;
  library_dir: string;
  roots: Root[];
  photos: number;
  failed: number;
  offline: number;
  indexing: Progress | null;
  paused: boolean;
}

export interface SearchQuery {
  text: string | null;
  negatives: string[];
  /** File paths of dropped images. */
  images: string[];
  /** Base64 (no data: prefix) of pasted PNG/JPEG bytes. */
  image_data: string[];
  /** Photo ids ("Find similar"). */
  like: string[];
  text_weight: number;
  image_weight: number;
  k: number;
}

export interface Hit {
  id: string;
  path: string;
  name: string;
  score: number;
  width: number | null;
  height: number | null;
  /** Unix seconds, or null when unknown. */
  taken: number | null;
  camera: string | null;
  format: string | null;
  /** Bytes. */
  size: number;
  online: boolean;
}

export interface Failure {
  path: string;
  reason: string;
}

export interface IndexDone {
  scanned: number;
  embedded: number;
  unchanged: number;
  moved: number;
  removed: number;
  failed: number;
  offline: number;
  seconds: number;
}

export interface AppError {
  code: string;
  message: string;
}
