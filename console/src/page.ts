import { LiveEvent } from './api';

/** A page of the console: its element, how it (re)loads its data, and how it takes live events. */
export interface Page {
  el: HTMLElement;
  /** fetch and draw; called first, at each reconnect of the event stream, and after changes */
  load(): Promise<void>;
  /** a host's or router's status changed: repaint it in place (no reload) */
  onStatus?(e: LiveEvent): void;
  /** any event, after the shell handled it */
  onEvent?(e: LiveEvent): void;
  dispose?(): void;
}
