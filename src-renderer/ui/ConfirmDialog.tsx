import { type ReactNode } from 'react';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';

/**
 * A confirmation before something that changes many files at once (quarantine, hard links, emptying to the
 * trash): says what will happen and what is won, with **Confirm** and Cancel. Escape and Cancel close it.
 */
export function ConfirmDialog({ isOpen, title, children, confirmLabel = 'Confirm', busy = false, destructive = false, onConfirm, onCancel }: {
  isOpen: boolean;
  title: string;
  children: ReactNode;
  confirmLabel?: string;
  busy?: boolean;
  /** what Confirm does cannot be undone (Empty to trash): Confirm is red, and focus starts on Cancel */
  destructive?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <ModalOverlay className="modal-overlay" isOpen={isOpen} isDismissable={!busy} onOpenChange={(open) => { if (!open) onCancel(); }}>
      <Modal className="modal">
        <Dialog className="dialog" role="alertdialog">
          <Heading slot="title" className="dialog-title">{title}</Heading>
          <div className="dialog-body">{children}</div>
          <div className="dialog-actions">
            <Button className="button" onPress={onCancel} isDisabled={busy} autoFocus={destructive}>Cancel</Button>
            <Button className={destructive ? 'button button-danger' : 'button button-primary'} onPress={onConfirm} isDisabled={busy} autoFocus={!destructive}>{confirmLabel}</Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
