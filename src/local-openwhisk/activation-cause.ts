/** Why an activation ran: the parent activation that caused it, and what kind of parent it was. */

/**
 * The parent of a derived activation. OpenWhisk sets the record's `cause` to
 * the parent's id and annotates `causedBy`: `sequence` for the components of
 * a sequence and for the secondary and component activations of a conductor
 * action (a composition), `trigger` for an action a rule ran.
 */
export interface ActivationCause {
  /** The parent activation's id (32 hex digits). */
  activationId: string;
  causedBy: 'trigger' | 'sequence';
}
