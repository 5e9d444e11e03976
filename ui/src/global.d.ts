// Window additions: the Tauri IPC bridge marker and the end-to-end drop hook.
export {};

declare global {
  interface Window {
    __TAURI_INTERNALS__?: unknown;
    /**
     * End-to-end test hook: behaves exactly like dropping these files onto the window
     * (image files become query chips). Set by App.svelte on mount.
     */
    __irisDropPaths?: (paths: string[]) => void;
  }
}
