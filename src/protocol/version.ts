// `MQVersion.Version` ordinals that matter on the wire (shared/protocol/remoting.md §9).
export const MQVersion = {
  V3_0_11: 37,
  V3_4_9: 121,
  V4_1_0_SNAPSHOT: 232,
  V4_5_2: 317,
  V4_9_3: 399,
  V4_9_4: 401,
  V4_9_8: 409,
  V5_0_0: 413,
  V5_3_1: 475,
  V5_3_3: 479,
} as const;

/** The version every command we originate carries (a current 5.x node sends 479). */
export const CURRENT_VERSION: number = MQVersion.V5_3_3;
