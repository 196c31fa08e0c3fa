// Java `DataVersion`: {counter, stateVersion, timestamp}; the NameServer compares it to know
// whether a broker's topic config changed.
export interface DataVersionJson {
  counter: number;
  stateVersion: number;
  timestamp: number;
}

export class DataVersion {
  counter = 0;
  stateVersion = 0;
  timestamp = Date.now();

  nextVersion(stateVersion = 0): void {
    this.timestamp = Date.now();
    this.stateVersion = stateVersion;
    this.counter++;
  }

  assign(v: Partial<DataVersionJson> | undefined): void {
    if (!v) return;
    if (typeof v.counter === 'number') this.counter = v.counter;
    if (typeof v.stateVersion === 'number') this.stateVersion = v.stateVersion;
    if (typeof v.timestamp === 'number') this.timestamp = v.timestamp;
  }

  toJSON(): DataVersionJson {
    return { counter: this.counter, stateVersion: this.stateVersion, timestamp: this.timestamp };
  }
}
