;;; e2e.el --- convox-lsp in a real Emacs with eglot, each step asserted  -*- lexical-binding: t -*-
;;
;; Loaded by tests/emacs/run.sh after the configuration from docs/editors.md, in `emacs --batch`
;; from the scratch project's directory. Each check prints `ok N - what` or `not ok N - what: why`;
;; the last line is `emacs-e2e: P passed, F failed`, and Emacs exits 1 when one failed.

(require 'cl-lib)
(require 'subr-x)

(defvar e2e-n 0)
(defvar e2e-failed 0)
(defvar e2e-timeout (string-to-number (or (getenv "EMACS_E2E_TIMEOUT") "20")))

(defun e2e-report (name ok &optional why)
  (setq e2e-n (1+ e2e-n))
  (if ok
      (princ (format "ok %d - %s\n" e2e-n name))
    (setq e2e-failed (1+ e2e-failed))
    (princ (format "not ok %d - %s: %s\n" e2e-n name why))))

(defmacro e2e-check (name &rest body)
  "Run BODY; it returns nil when fine, else a string saying what went wrong."
  (declare (indent 1))
  `(let ((why (condition-case err (progn ,@body) (error (format "error: %S" err)))))
     (e2e-report ,name (null why) why)))

(defun e2e-wait (pred)
  "Let Emacs run (processes, timers) until PRED is non-nil or the timeout; PRED's value."
  (let ((end (+ (float-time) e2e-timeout)) v)
    (while (and (not (setq v (funcall pred))) (< (float-time) end))
      (accept-process-output nil 0.05))
    v))

(defun e2e-settle (seconds)
  "Send the buffer's changes, as eglot's idle timer does once the user pauses, then let Emacs run
for SECONDS. Idle timers never fire in batch Emacs, which is never idle."
  (when eglot--managed-mode (eglot--signal-textDocument/didChange))
  (let ((end (+ (float-time) seconds)))
    (while (< (float-time) end) (accept-process-output nil 0.05))))

(defun e2e-goto (text &optional offset)
  "Point at the first TEXT in the buffer, plus OFFSET characters."
  (goto-char (point-min))
  (unless (search-forward text nil t) (error "no %S in the buffer" text))
  (goto-char (+ (match-beginning 0) (or offset 0))))

(defun e2e-diags ()
  (mapcar #'flymake-diagnostic-text (flymake-diagnostics)))

(defvar e2e-server nil)

;; --- open a manifest: convox-mode, eglot-ensure starts convox-lsp --------------------------------
(find-file "convox.yml")
;; eglot-ensure connects after the command that opened the file, from `post-command-hook'.
(run-hooks 'post-command-hook)
(e2e-check "convox.yml opens in convox-mode and eglot starts convox-lsp"
  (cond ((not (eq major-mode 'convox-mode)) (format "major mode %s" major-mode))
        ((not (e2e-wait (lambda () (and (eglot-current-server) eglot--managed-mode))))
         "no eglot server for the buffer")
        (t (setq e2e-server (eglot-current-server))
           (unless (string-match-p "convox-lsp" (format "%s" (process-command (jsonrpc--process e2e-server))))
             (format "server command %S" (process-command (jsonrpc--process e2e-server)))))))

(e2e-check "diagnostics: Flymake shows the misspelt key"
  (unless (e2e-wait (lambda () (cl-some (lambda (m) (string-match-p "unknown key `commnd`" m)) (e2e-diags))))
    (format "diagnostics: %S" (e2e-diags))))

(e2e-check "hover on a service names its Kubernetes objects in namespace acme-shop, as Markdown"
  (e2e-goto "  web:" 2)
  (let (info)
    (eglot-hover-eldoc-function (lambda (s &rest _) (setq info (or s "<empty>"))))
    (e2e-wait (lambda () info))
    (cond ((not info) "no hover")
          ((not (string-match-p "Deployment.*web" info)) (format "hover: %s" info))
          ((not (string-match-p "acme-shop" info)) (format "no namespace acme-shop: %s" info))
          ((not (fboundp 'gfm-view-mode)) "markdown-mode not loaded: hovers show raw Markdown"))))

(e2e-check "completion offers the keys of a service (health)"
  (e2e-goto "    port: 3000")
  (end-of-line)
  (insert "\n    heal")
  (prog1
      (let* ((capf (eglot-completion-at-point))
             (all (and capf (all-completions (buffer-substring (nth 0 capf) (nth 1 capf)) (nth 2 capf)))))
        (unless (member "health" all) (format "completions: %S" all)))
    (delete-region (line-beginning-position) (line-end-position))
    (delete-char -1)))

;; What the key the documentation names does: without yasnippet eglot says it takes no snippets,
;; and the server sends the plain text the snippet stands for (not `${1:/health}`).
(e2e-check "C-M-i completes health as plain text (no yasnippet)"
  (let ((before (buffer-string)))
    (e2e-goto "    port: 3000")
    (end-of-line)
    (insert "\n    heal")
    (prog1
        (let ((command (key-binding (kbd "C-M-i"))))
          (if (not (eq command #'completion-at-point))
              (format "C-M-i runs %S" command)
            (call-interactively command)
            (let ((text (buffer-string)))
              (unless (string-match-p "\n    health:\n      path: /health\n      interval: 5\n      timeout: 4\n" text)
                (format "after completion:\n%s" text)))))
      (erase-buffer)
      (insert before)
      (e2e-settle 0.5))))

(e2e-check "definition: M-. on a service's resource goes to its declaration"
  (e2e-settle 1)
  (e2e-goto "- database" 4)
  (call-interactively #'xref-find-definitions)
  (let ((line (buffer-substring (line-beginning-position) (line-end-position))))
    (unless (and (string= line "  database:") (> (line-number-at-pos) 10))
      (format "landed on line %d: %S" (line-number-at-pos) line))))

(e2e-check "code action: the misspelt key beside `command` is removed, not renamed"
  (e2e-settle 1)
  (e2e-goto "commnd" 1)
  (let* ((actions (eglot-code-actions (point) (point) "quickfix"))
         (titles (mapcar (lambda (a) (plist-get a :title)) actions)))
    (if (not (equal titles '("Remove the misspelt `commnd` line (`command` is already set)")))
        (format "actions: %S" titles)
      (eglot-code-actions (point) (point) "quickfix" t)
      (cond ((string-match-p "commnd" (buffer-string)) (format "still there:\n%s" (buffer-string)))
            ((/= 1 (how-many "command: bin/web" (point-min) (point-max))) (buffer-string))
            ((not (e2e-wait (lambda () (not (cl-some (lambda (m) (string-match-p "commnd\\|duplicate" m)) (e2e-diags))))))
             (format "diagnostics after the fix: %S" (e2e-diags)))))))

(e2e-check "rename: eglot-rename on a service renames it"
  (e2e-settle 1)
  (e2e-goto "  web:" 2)
  (eglot-rename "api")
  (unless (and (string-match-p "^  api:$" (buffer-string)) (not (string-match-p "^  web:$" (buffer-string))))
    (buffer-string)))

(defconst e2e-tidy
  "services:\n  api:\n    image: nginx\n    port: 3000\n    command: bin/web\n    resources:\n      - database\n  worker:\n    image: nginx\n    command: bin/worker\nresources:\n  database:\n    type: postgres\n")

(e2e-check "format with Emacs's default tab-width 8: the manifest keeps two spaces"
  (e2e-settle 1)
  (let ((tab-width 8))
    (eglot-format-buffer))
  (unless (string= (buffer-string) e2e-tidy) (format "formatted:\n%s" (buffer-string))))

(e2e-check "format with tab-width 2 (convox-mode's): four-space indentation becomes two"
  (unless (= tab-width 2) (error "convox-mode's tab-width is %s" tab-width))
  (erase-buffer)
  (insert (replace-regexp-in-string "^\\( +\\)" "\\1\\1" e2e-tidy))
  (e2e-settle 1)
  (eglot-format-buffer)
  (unless (string= (buffer-string) e2e-tidy) (format "formatted:\n%s" (buffer-string))))

(e2e-check "eglot-shutdown: the server answers `shutdown` (an error here if not within 1.5 s) and is gone"
  (let ((proc (jsonrpc--process e2e-server)))
    (set-buffer-modified-p nil)
    (eglot-shutdown e2e-server)
    (unless (e2e-wait (lambda () (not (process-live-p proc)))) "convox-lsp still running")))

(princ (format "emacs-e2e: %d passed, %d failed\n" (- e2e-n e2e-failed) e2e-failed))
(kill-emacs (if (> e2e-failed 0) 1 0))
