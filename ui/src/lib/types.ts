// Types of the Tauri backend contract (commands, events, errors) shared by the whole UI. The
// backend's types are generated into ./contract.ts from the Rust definitions; this file only
// names them for the UI and adds the error codes the UI raises itself.
import type { ErrorCode, IndexReport, UiHit } from './contract';

export type {
  Album,
  AlbumSummary,
  UiAlbum,
  UiAlbumPhoto,
  DuplicatePair,
  DuplicateSettings,
  UiDuplicateGroup,
  TrashReport,
  AppState,
  ErrorCode,
  Facet,
  Facets,
  Failure,
  FilterKey,
  Folder,
  ModelListing,
  ModelState,
  ModelStateName,
  Progress,
  Root,
  SavedCount,
  SavedSearch,
  ScorePart,
  SwitchStage,
  SwitchState,
  VectorColumn,
  SearchQuery,
  SearchResults,
  Settings,
  SettingsView,
  About,
  Explanation,
  MapPoint,
  MapProgress,
  MapStage,
  PhotoTag,
  Tag,
  TagCount,
  TaggedPhoto,
  SortOrder,
  Term,
  TermKind,
} from './contract';

/** A search result as the gallery shows it. */
export type Hit = UiHit;

/** What the `index-done` event carries. */
export type IndexDone = IndexReport;

/** Codes of errors the UI itself reports, in the backend's kebab-case. */
export type UiErrorCode = 'backend-unavailable' | 'not-an-image' | 'unsupported-image' | 'clipboard' | 'settings' | 'unexpected';

/** An error from a command or event, or one the UI raised. */
export interface AppError {
  code: ErrorCode | UiErrorCode;
  message: string;
}
