// The officers' console: sign in at Cognito (USER_PASSWORD_AUTH, then TOTP when the pool asks), work the
// review queue, open an application, claim it and decide, and answer consultations.
// The tokens live in this module's memory only: a reload or "Keluar" forgets them.

import { ApiError, apiFetch, describeError } from "./api.js";
import { createCheckIn } from "./checkin.js";
import { h, showError, showLoading, doneLoading } from "./dom.js";
import { serverText } from "./forms.js";
import { addMessages, applyTranslations, currentLang, onLangChange, pick, t } from "./i18n.js";
import { openIntake } from "./intake.js";
import { formatDate, formatDateTime, statusName, statusTag } from "./status.js";

const STATUSES = ["SUBMITTED", "IN_REVIEW", "SURVEY_SCHEDULED", "SURVEYED", "RETURNED", "APPROVED", "ISSUED", "REJECTED"];
const ACTIONS = {
  SUBMITTED: ["start_review"],
  IN_REVIEW: ["approve", "return", "reject", "schedule_survey"],
  SURVEY_SCHEDULED: ["record_survey", "reject"],
  SURVEYED: ["approve", "return", "reject"],
};

addMessages({
  id: {
    "officer.title": "Konsol petugas — Satu Pintu",
    "officer.heading": "Konsol petugas",
    "officer.signin_heading": "Masuk",
    "officer.username": "Nama pengguna atau e-mail",
    "officer.password": "Kata sandi",
    "officer.mfa": "Kode dari aplikasi autentikator",
    "officer.mfa_hint": "Enam angka yang berganti setiap 30 detik.",
    "officer.signin": "Masuk",
    "officer.signing_in": "Memeriksa…",
    "officer.signout": "Keluar",
    "officer.signed_in_as": "Masuk sebagai {name}",
    "officer.signin_failed": "Nama pengguna atau kata sandi salah.",
    "officer.mfa_failed": "Kode tidak cocok. Coba kode yang baru.",
    "officer.signin_unavailable": "Layanan masuk tidak dapat dihubungi. Coba lagi sebentar lagi.",
    "officer.signin_missing": "Isi nama pengguna dan kata sandi.",
    "officer.new_password": "Cara masuk yang diminta belum didukung konsol ini. Hubungi admin.",
    "officer.new_password_label": "Kata sandi baru",
    "officer.new_password_hint":
      "Kata sandi sementara dari admin harus diganti. Paling sedikit 12 karakter, dengan huruf besar, huruf kecil dan angka.",
    "officer.new_password_refused": "Kata sandi baru ini tidak memenuhi aturan. Coba yang lain.",
    "officer.mfa_setup_intro":
      "Akun ini belum memakai aplikasi autentikator. Tambahkan kunci ini di aplikasi autentikator Anda (TOTP, berbasis waktu), lalu ketik kode yang ditampilkannya.",
    "officer.mfa_setup_key": "Kunci",
    "officer.nav": "Konsol",
    "officer.queue_heading": "Antrean permohonan",
    "officer.consult_heading": "Konsultasi",
    "officer.f_status": "Status",
    "officer.f_service": "Layanan",
    "officer.all_services": "Semua layanan",
    "officer.f_assignee": "Pemegang",
    "officer.anyone": "Siapa saja",
    "officer.me": "Saya",
    "officer.nobody": "Belum diambil",
    "officer.f_overdue": "Hanya yang lewat tenggat",
    "officer.apply_filters": "Tampilkan",
    "officer.empty": "Tidak ada permohonan yang cocok.",
    "officer.more": "Tampilkan berikutnya",
    "officer.col_number": "Nomor",
    "officer.col_service": "Layanan",
    "officer.col_age": "Umur",
    "officer.col_due": "Tenggat",
    "officer.col_holder": "Pemegang",
    "officer.col_status": "Status",
    "officer.age_days": "{n} hari",
    "officer.overdue": "Lewat tenggat",
    "officer.nobody_holds": "—",
    "officer.back": "Kembali ke antrean",
    "officer.applicant": "Pemohon",
    "officer.contact": "Kontak",
    "officer.channel": "Jalur",
    "officer.held_by": "Dipegang oleh",
    "officer.claim": "Ambil permohonan ini",
    "officer.release": "Lepaskan",
    "officer.takeover": "Ambil alih (admin)",
    "officer.documents": "Dokumen",
    "officer.open_document": "Buka {label}",
    "officer.history": "Riwayat",
    "officer.decide": "Keputusan",
    "officer.action": "Tindakan",
    "officer.action_start_review": "Mulai periksa",
    "officer.action_approve": "Setujui",
    "officer.action_return": "Kembalikan untuk dilengkapi",
    "officer.action_reject": "Tolak",
    "officer.action_schedule_survey": "Jadwalkan survei lapangan",
    "officer.action_record_survey": "Catat hasil survei",
    "officer.reason": "Alasan atau catatan",
    "officer.reason_hint": "Wajib untuk penolakan. Pemohon membaca teks ini.",
    "officer.missing": "Persyaratan yang kurang",
    "officer.survey_date": "Tanggal survei",
    "officer.survey_mode": "Cara survei",
    "officer.mode_on_site": "Kunjungan ke lokasi",
    "officer.mode_remote": "Jarak jauh (foto bertanda lokasi atau video dari pemohon)",
    "officer.survey_result": "Hasil survei",
    "officer.result_passed": "Sesuai",
    "officer.result_failed": "Tidak sesuai",
    "officer.submit_decision": "Simpan keputusan",
    "officer.saved": "Tersimpan: {status}.",
    "officer.no_decision": "Permohonan ini sudah diputus; tidak ada tindakan lagi.",
    "officer.decision_errors": "Periksa keputusan ini",
    "officer.consult_empty": "Tidak ada pertanyaan yang belum dijawab.",
    "officer.question_from": "{id} · {date}",
    "officer.answer": "Jawaban",
    "officer.send_answer": "Kirim jawaban",
    "officer.answered": "Jawaban terkirim ke penanya.",
    "officer.due": "Tenggat {date}",
    "officer.done": "Berhasil",
  },
  en: {
    "officer.title": "Officers' console — Satu Pintu",
    "officer.heading": "Officers' console",
    "officer.signin_heading": "Sign in",
    "officer.username": "Username or e-mail",
    "officer.password": "Password",
    "officer.mfa": "Code from your authenticator app",
    "officer.mfa_hint": "Six digits that change every 30 seconds.",
    "officer.signin": "Sign in",
    "officer.signing_in": "Checking…",
    "officer.signout": "Sign out",
    "officer.signed_in_as": "Signed in as {name}",
    "officer.signin_failed": "The username or password is wrong.",
    "officer.mfa_failed": "The code does not match. Try a new code.",
    "officer.signin_unavailable": "The sign-in service cannot be reached. Try again shortly.",
    "officer.signin_missing": "Enter your username and password.",
    "officer.new_password": "This console cannot yet answer what the sign-in asks. Contact an admin.",
    "officer.new_password_label": "New password",
    "officer.new_password_hint":
      "The temporary password from the admin must be changed. At least 12 characters, with upper and lower case letters and a digit.",
    "officer.new_password_refused": "This new password does not meet the rules. Try another.",
    "officer.mfa_setup_intro":
      "This account has no authenticator app yet. Add this key to your authenticator app (TOTP, time-based), then type the code it shows.",
    "officer.mfa_setup_key": "Key",
    "officer.nav": "Console",
    "officer.queue_heading": "Review queue",
    "officer.consult_heading": "Consultations",
    "officer.f_status": "Status",
    "officer.f_service": "Service",
    "officer.all_services": "All services",
    "officer.f_assignee": "Holder",
    "officer.anyone": "Anyone",
    "officer.me": "Me",
    "officer.nobody": "Not claimed",
    "officer.f_overdue": "Only overdue",
    "officer.apply_filters": "Show",
    "officer.empty": "No application matches.",
    "officer.more": "Show more",
    "officer.col_number": "Number",
    "officer.col_service": "Service",
    "officer.col_age": "Age",
    "officer.col_due": "Due",
    "officer.col_holder": "Holder",
    "officer.col_status": "Status",
    "officer.age_days": "{n} days",
    "officer.overdue": "Overdue",
    "officer.nobody_holds": "—",
    "officer.back": "Back to the queue",
    "officer.applicant": "Applicant",
    "officer.contact": "Contact",
    "officer.channel": "Channel",
    "officer.held_by": "Held by",
    "officer.claim": "Claim this application",
    "officer.release": "Release",
    "officer.takeover": "Take over (admin)",
    "officer.documents": "Documents",
    "officer.open_document": "Open {label}",
    "officer.history": "History",
    "officer.decide": "Decision",
    "officer.action": "Action",
    "officer.action_start_review": "Start the review",
    "officer.action_approve": "Approve",
    "officer.action_return": "Return for missing documents",
    "officer.action_reject": "Reject",
    "officer.action_schedule_survey": "Schedule a field survey",
    "officer.action_record_survey": "Record the survey's result",
    "officer.reason": "Reason or note",
    "officer.reason_hint": "Required for a rejection. The applicant reads this text.",
    "officer.missing": "Missing requirements",
    "officer.survey_date": "Survey date",
    "officer.survey_mode": "How",
    "officer.mode_on_site": "A visit to the site",
    "officer.mode_remote": "Remote (geotagged photos or a video from the applicant)",
    "officer.survey_result": "Survey result",
    "officer.result_passed": "As declared",
    "officer.result_failed": "Not as declared",
    "officer.submit_decision": "Save the decision",
    "officer.saved": "Saved: {status}.",
    "officer.no_decision": "This application has been decided; there is nothing more to do.",
    "officer.decision_errors": "Check this decision",
    "officer.consult_empty": "No question is waiting for an answer.",
    "officer.question_from": "{id} · {date}",
    "officer.answer": "Answer",
    "officer.send_answer": "Send the answer",
    "officer.answered": "The answer was sent to the person who asked.",
    "officer.due": "Due {date}",
    "officer.done": "Done",
  },
});
applyTranslations();

// ---- Session: in memory only ----------------------------------------------------------------------------------
// `username` is how the API names the officer (the token's username); `display` is what a person reads.
const session = { idToken: null, accessToken: null, username: null, display: null, groups: [] };
let config = null;
// What Cognito asked for after the password ({name, session}), until it is answered.
let pendingChallenge = null;
let services = [];

function claimsOf(jwt) {
  const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  const json = decodeURIComponent(
    Array.from(atob(part), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""),
  );
  return JSON.parse(json);
}

async function cognito(target, body) {
  const response = await fetch(config.cognito_endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `AWSCognitoIdentityProviderService.${target}`,
    },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.message || data.__type || "cognito"), { type: data.__type });
  return data;
}

function officerApi(path, options = {}) {
  return apiFetch(path, { ...options, headers: { Authorization: `Bearer ${session.idToken}`, ...(options.headers || {}) } });
}

// ---- Sign in ---------------------------------------------------------------------------------------------------
const signinForm = document.getElementById("signin-form");
const signinError = document.getElementById("signin-error");
const mfaGroup = document.getElementById("mfa-group");

function signinProblem(key) {
  const panel = h("div", { class: "error-summary", role: "alert", tabindex: "-1" }, h("p", { class: "error-summary__title" }, t(key)));
  signinError.replaceChildren(panel);
  panel.focus();
}

// Answer the pending challenge with what the form now holds (a new password, or the app's code).
function answerChallenge(username) {
  const code = signinForm.mfa.value.trim();
  if (pendingChallenge.name === "NEW_PASSWORD_REQUIRED") {
    return cognito("RespondToAuthChallenge", {
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ClientId: config.user_pool_client_id,
      Session: pendingChallenge.session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD: signinForm.new_password.value },
    });
  }
  if (pendingChallenge.name === "MFA_SETUP") {
    // The first code from the new app proves it holds the key; then the setup challenge is answered.
    return cognito("VerifySoftwareToken", {
      Session: pendingChallenge.session,
      UserCode: code,
      FriendlyDeviceName: "Satu Pintu",
    }).then((verified) =>
      cognito("RespondToAuthChallenge", {
        ChallengeName: "MFA_SETUP",
        ClientId: config.user_pool_client_id,
        Session: verified.Session,
        ChallengeResponses: { USERNAME: username },
      }),
    );
  }
  return cognito("RespondToAuthChallenge", {
    ChallengeName: "SOFTWARE_TOKEN_MFA",
    ClientId: config.user_pool_client_id,
    Session: pendingChallenge.session,
    ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
  });
}

// Show the step Cognito asks for next; return false when the console cannot answer it.
async function askFor(result) {
  const name = result.ChallengeName;
  let session = result.Session;
  if (name === "MFA_SETUP") {
    const associated = await cognito("AssociateSoftwareToken", { Session: session });
    session = associated.Session || session;
    document.getElementById("mfa-secret").textContent = associated.SecretCode.replace(/(.{4})/g, "$1 ").trim();
  } else if (name !== "SOFTWARE_TOKEN_MFA" && name !== "NEW_PASSWORD_REQUIRED") {
    return false;
  }
  pendingChallenge = { name, session };
  document.getElementById("new-password-group").hidden = name !== "NEW_PASSWORD_REQUIRED";
  document.getElementById("mfa-setup").hidden = name !== "MFA_SETUP";
  mfaGroup.hidden = name === "NEW_PASSWORD_REQUIRED";
  signinForm.mfa.value = "";
  signinError.replaceChildren();
  (name === "NEW_PASSWORD_REQUIRED" ? signinForm.new_password : signinForm.mfa).focus();
  return true;
}

signinForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const username = signinForm.username.value.trim();
  const button = document.getElementById("signin-submit");
  button.disabled = true;
  button.textContent = t("officer.signing_in");
  try {
    config = config || (await apiFetch("/config"));
    let result;
    if (pendingChallenge) {
      result = await answerChallenge(username);
    } else {
      if (!username || !signinForm.password.value) {
        signinProblem("officer.signin_missing");
        return;
      }
      result = await cognito("InitiateAuth", {
        AuthFlow: "USER_PASSWORD_AUTH",
        ClientId: config.user_pool_client_id,
        AuthParameters: { USERNAME: username, PASSWORD: signinForm.password.value },
      });
    }
    if (result.ChallengeName) {
      if (!(await askFor(result))) signinProblem("officer.new_password");
      return;
    }
    signedIn(result.AuthenticationResult);
  } catch (error) {
    if (error instanceof ApiError || error instanceof TypeError) signinProblem("officer.signin_unavailable");
    else if (pendingChallenge?.name === "NEW_PASSWORD_REQUIRED") signinProblem("officer.new_password_refused");
    else signinProblem(pendingChallenge ? "officer.mfa_failed" : "officer.signin_failed");
  } finally {
    button.disabled = false;
    button.textContent = t("officer.signin");
  }
});

function signedIn(result) {
  session.idToken = result.IdToken;
  session.accessToken = result.AccessToken;
  const claims = claimsOf(result.IdToken);
  session.username = claims.username || claims["cognito:username"] || claims.sub;
  session.display = claims.email || session.username;
  session.groups = claims["cognito:groups"] || [];
  pendingChallenge = null;
  signinForm.reset();
  mfaGroup.hidden = true;
  document.getElementById("new-password-group").hidden = true;
  document.getElementById("mfa-setup").hidden = true;
  document.getElementById("mfa-secret").textContent = "";
  signinError.replaceChildren();
  document.getElementById("signin").hidden = true;
  document.getElementById("console").hidden = false;
  document.getElementById("who").textContent = t("officer.signed_in_as", { name: session.display });
  route();
}

document.getElementById("signout").addEventListener("click", () => {
  const accessToken = session.accessToken;
  Object.assign(session, { idToken: null, accessToken: null, username: null, display: null, groups: [] });
  door.close();
  // Ends the session at Cognito too; the page forgets the tokens whatever the answer.
  if (accessToken && config) cognito("GlobalSignOut", { AccessToken: accessToken }).catch(() => {});
  document.getElementById("console").hidden = true;
  document.getElementById("signin").hidden = false;
  document.getElementById("username").focus();
});

// ---- Views -----------------------------------------------------------------------------------------------------
const views = {
  queue: "queue-view",
  detail: "detail-view",
  consultations: "consult-view",
  intake: "intake-view",
  checkin: "checkin-view",
};
const door = createCheckIn(officerApi);

function show(view) {
  for (const [name, id] of Object.entries(views)) document.getElementById(id).hidden = name !== view;
  if (view !== "checkin") door.close();
}

function route() {
  if (!session.idToken) return;
  const hash = location.hash.slice(1);
  if (hash.startsWith("application=")) {
    show("detail");
    loadDetail(decodeURIComponent(hash.slice("application=".length)));
  } else if (hash === "consultations") {
    show("consultations");
    loadConsultations();
  } else if (hash === "intake") {
    show("intake");
    openIntake(officerApi, services);
  } else if (hash === "checkin") {
    show("checkin");
    door.open();
  } else {
    show("queue");
    loadQueue();
  }
}
window.addEventListener("hashchange", route);

// ---- Queue -----------------------------------------------------------------------------------------------------
const filters = document.getElementById("queue-filters");
const queueEl = document.getElementById("queue");

function fillFilters() {
  const status = filters.status.value || "SUBMITTED";
  filters.status.replaceChildren(...STATUSES.map((s) => h("option", { value: s, selected: s === status }, statusName(s))));
  const service = filters.service_id.value;
  filters.service_id.replaceChildren(
    h("option", { value: "" }, t("officer.all_services")),
    ...services.map((s) => h("option", { value: s.id, selected: s.id === service }, pick(s, "name"))),
  );
}

async function loadServices() {
  try {
    services = (await apiFetch("/services")).services;
  } catch {
    services = [];
  }
  fillFilters();
}

filters.addEventListener("submit", (event) => {
  event.preventDefault();
  if (location.hash && location.hash !== "#queue") location.hash = "queue";
  else loadQueue();
});

async function loadQueue(cursor = null) {
  const params = {
    status: filters.status.value || "SUBMITTED",
    service_id: filters.service_id.value,
    overdue: filters.overdue.checked ? "yes" : "",
    assignee: filters.assignee.value === "me" ? session.username : filters.assignee.value,
    cursor,
  };
  if (!cursor) showLoading(queueEl);
  try {
    const page = await officerApi("/officer/applications", { params });
    doneLoading(queueEl);
    drawQueue(page, Boolean(cursor));
  } catch (error) {
    showError(queueEl, error, { retry: () => loadQueue(cursor) });
  }
}

function queueRow(a) {
  return h(
    "tr",
    {},
    h("td", {}, h("a", { href: `#application=${encodeURIComponent(a.id)}`, class: "reference" }, a.id)),
    h("td", {}, pick(a, "service_name")),
    h("td", {}, t("officer.age_days", { n: a.age_days })),
    h(
      "td",
      {},
      formatDate(a.due_date),
      a.overdue ? [" ", h("strong", { class: "tag", dataset: { status: "REJECTED" } }, t("officer.overdue"))] : null,
    ),
    h("td", {}, a.assignee_name || a.assignee || t("officer.nobody_holds")),
    h("td", {}, statusTag(a.status)),
  );
}

function drawQueue(page, append) {
  let body = queueEl.querySelector("tbody");
  if (!append || !body) {
    if (!page.applications.length) {
      queueEl.replaceChildren(h("p", { class: "inset-text" }, t("officer.empty")));
      return;
    }
    body = h("tbody", {});
    const cols = ["number", "service", "age", "due", "holder", "status"];
    queueEl.replaceChildren(
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table" },
          h("caption", { class: "visually-hidden" }, t("officer.queue_heading")),
          h("thead", {}, h("tr", {}, cols.map((c) => h("th", { scope: "col" }, t(`officer.col_${c}`))))),
          body,
        ),
      ),
    );
  }
  body.append(...page.applications.map(queueRow));
  queueEl.querySelector(".queue__more")?.remove();
  if (page.next_cursor) {
    queueEl.append(
      h(
        "button",
        { type: "button", class: "button button--secondary queue__more", on: { click: () => loadQueue(page.next_cursor) } },
        t("officer.more"),
      ),
    );
  }
}

// ---- Detail ----------------------------------------------------------------------------------------------------
const detailEl = document.getElementById("detail");

async function loadDetail(id, notice = null) {
  showLoading(detailEl);
  try {
    const application = await officerApi(`/officer/applications/${encodeURIComponent(id)}`);
    doneLoading(detailEl);
    drawDetail(application, notice);
  } catch (error) {
    showError(detailEl, error, { retry: () => loadDetail(id) });
  }
}

function successBanner(text) {
  return h(
    "div",
    { class: "notification-banner notification-banner--success", role: "status" },
    h("div", { class: "notification-banner__header" }, t("officer.done")),
    h("div", { class: "notification-banner__content" }, h("p", {}, text)),
  );
}

function summaryRow(key, ...value) {
  return h("div", { class: "summary-list__row" }, h("dt", { class: "summary-list__key" }, key), h("dd", { class: "summary-list__value" }, ...value));
}

function drawDetail(a, notice) {
  const heading = h("h2", { class: "heading-l", id: "detail-heading", tabindex: "-1" }, a.id, " ", statusTag(a.status));
  const holder = a.assignee?.username;
  const mine = holder === session.username;
  const isAdmin = session.groups.includes("admin");
  const claimButtons = [];
  if (!holder) claimButtons.push(claimButton(a, "claim", "officer.claim"));
  if (holder && (mine || isAdmin)) claimButtons.push(claimButton(a, "release", "officer.release", "button--secondary"));
  if (holder && !mine && isAdmin) claimButtons.push(claimButton(a, "claim", "officer.takeover", "button--warning", true));
  detailEl.replaceChildren(
    ...(notice ? [successBanner(notice)] : []),
    heading,
    h(
      "dl",
      { class: "summary-list" },
      summaryRow(t("officer.col_service"), pick(a, "service_name")),
      summaryRow(t("officer.applicant"), `${a.applicant.name} · NIK ${a.applicant.nik_masked}`),
      summaryRow(t("officer.contact"), `${a.applicant.email} · ${a.applicant.phone}`),
      summaryRow(t("officer.channel"), a.channel),
      summaryRow(
        t("officer.col_due"),
        formatDate(a.due_date),
        a.overdue ? [" ", h("strong", { class: "tag", dataset: { status: "REJECTED" } }, t("officer.overdue"))] : null,
      ),
      summaryRow(t("officer.held_by"), a.assignee?.name || holder || t("officer.nobody_holds")),
    ),
    h("div", { class: "button-group" }, claimButtons),
    h("h3", { class: "heading-m" }, t("officer.documents")),
    h(
      "ul",
      { class: "list list--bullet" },
      a.documents.map((d) =>
        h(
          "li",
          {},
          h("a", { href: d.url, target: "_blank", rel: "noopener noreferrer" }, t("officer.open_document", { label: pick(d, "label") })),
          d.filename ? ` (${d.filename})` : null,
        ),
      ),
    ),
    h("h3", { class: "heading-m" }, t("officer.history")),
    h(
      "ol",
      { class: "timeline" },
      a.history.map((step) =>
        h(
          "li",
          { class: "timeline__item" },
          h("p", { class: "timeline__title" }, statusName(step.status)),
          h("p", { class: "timeline__date" }, `${formatDateTime(step.at)} · ${step.actor}`),
          step.note ? h("p", { class: "timeline__body" }, step.note) : null,
        ),
      ),
    ),
    decisionForm(a),
  );
  heading.focus();
}

function claimButton(a, action, key, variant = "", takeover = false) {
  return h(
    "button",
    {
      type: "button",
      class: `button ${variant}`.trim(),
      on: {
        click: async () => {
          try {
            await officerApi(`/officer/applications/${encodeURIComponent(a.id)}/claim`, {
              method: "POST",
              body: { action, takeover },
            });
            loadDetail(a.id);
          } catch (error) {
            showError(detailEl, error, { retry: () => loadDetail(a.id) });
          }
        },
      },
    },
    t(key),
  );
}

function radios(name, legend, options, { hidden = false } = {}) {
  return h(
    "fieldset",
    { class: "fieldset form-group", id: `d-${name}-group`, hidden },
    h("legend", { class: "fieldset__legend" }, legend),
    h(
      "div",
      { class: "radios" },
      options.map(([value, label], i) =>
        h(
          "div",
          { class: "radios__item" },
          h("input", { class: "radios__input", type: "radio", name, id: `d-${name}-${value}`, value, checked: i === 0 }),
          h("label", { class: "radios__label", for: `d-${name}-${value}` }, label),
        ),
      ),
    ),
  );
}

function decisionForm(a) {
  const actions = ACTIONS[a.status] || [];
  if (!actions.length) return h("p", { class: "inset-text" }, t("officer.no_decision"));
  const errors = h("div", {});
  const missing = h(
    "fieldset",
    { class: "fieldset form-group", id: "d-missing-group", hidden: true },
    h("legend", { class: "fieldset__legend" }, t("officer.missing")),
    h(
      "div",
      { class: "checkboxes" },
      a.requirements.map((r) =>
        h(
          "div",
          { class: "checkboxes__item" },
          h("input", { class: "checkboxes__input", type: "checkbox", name: "missing", id: `d-missing-${r.id}`, value: r.id }),
          h("label", { class: "checkboxes__label", for: `d-missing-${r.id}` }, pick(r, "label")),
        ),
      ),
    ),
  );
  const survey = h(
    "div",
    { id: "d-survey-group", hidden: true },
    h(
      "div",
      { class: "form-group" },
      h("label", { class: "label label--s", for: "d-survey-date" }, t("officer.survey_date")),
      h("input", { class: "input input--width-10", type: "date", id: "d-survey-date", name: "survey_date" }),
    ),
    radios("survey_mode", t("officer.survey_mode"), [
      ["on_site", t("officer.mode_on_site")],
      ["remote", t("officer.mode_remote")],
    ]),
  );
  const result = radios(
    "survey_result",
    t("officer.survey_result"),
    [
      ["passed", t("officer.result_passed")],
      ["failed", t("officer.result_failed")],
    ],
    { hidden: true },
  );
  const form = h(
    "form",
    { id: "decision-form", novalidate: true },
    h("h3", { class: "heading-m" }, t("officer.decide")),
    errors,
    radios("action", t("officer.action"), actions.map((x) => [x, t(`officer.action_${x}`)])),
    missing,
    survey,
    result,
    h(
      "div",
      { class: "form-group" },
      h("label", { class: "label label--s", for: "d-reason" }, t("officer.reason")),
      h("div", { class: "hint", id: "d-reason-hint" }, t("officer.reason_hint")),
      h("textarea", { class: "textarea", id: "d-reason", name: "reason", rows: 4, "aria-describedby": "d-reason-hint" }),
    ),
    h("button", { class: "button", type: "submit", id: "d-submit" }, t("officer.submit_decision")),
  );
  const sync = () => {
    const action = form.querySelector('input[name="action"]:checked')?.value;
    missing.hidden = action !== "return";
    survey.hidden = action !== "schedule_survey";
    result.hidden = action !== "record_survey";
  };
  form.addEventListener("change", sync);
  sync();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const action = form.querySelector('input[name="action"]:checked').value;
    const body = { action, version: a.version, reason: form.reason.value.trim() || null };
    if (action === "return") body.missing_requirements = [...form.querySelectorAll('input[name="missing"]:checked')].map((x) => x.value);
    if (action === "schedule_survey") {
      body.survey_date = form.survey_date.value || null;
      body.survey_mode = form.querySelector('input[name="survey_mode"]:checked').value;
    }
    if (action === "record_survey") body.survey_result = form.querySelector('input[name="survey_result"]:checked').value;
    const button = form.querySelector("#d-submit");
    button.disabled = true;
    try {
      const state = await officerApi(`/officer/applications/${encodeURIComponent(a.id)}/decision`, { method: "POST", body });
      loadDetail(a.id, t("officer.saved", { status: statusName(state.status) }));
    } catch (error) {
      button.disabled = false;
      const lang = currentLang();
      const items = (error instanceof ApiError && Array.isArray(error.details) ? error.details : [])
        .filter((d) => d.message)
        .map((d) => h("li", {}, serverText(d, lang)));
      const summary = h(
        "div",
        { class: "error-summary", role: "alert", tabindex: "-1" },
        h("h4", { class: "error-summary__title" }, t("officer.decision_errors")),
        h("p", {}, error instanceof ApiError && error.message ? serverText({ message: error.message, message_en: error.messageEn }, lang) : describeError(error)),
        items.length ? h("ul", { class: "error-summary__list" }, items) : null,
      );
      errors.replaceChildren(summary);
      summary.focus();
    }
  });
  return form;
}

// ---- Consultations ---------------------------------------------------------------------------------------------
const consultEl = document.getElementById("consult-list");

async function loadConsultations() {
  showLoading(consultEl);
  try {
    const page = await officerApi("/officer/consultations", { params: { status: "OPEN" } });
    doneLoading(consultEl);
    if (!page.consultations.length) {
      consultEl.replaceChildren(h("p", { class: "inset-text" }, t("officer.consult_empty")));
      return;
    }
    consultEl.replaceChildren(...page.consultations.map(consultationCard));
  } catch (error) {
    showError(consultEl, error, { retry: loadConsultations });
  }
}

function consultationCard(c) {
  const id = `answer-${c.id}`;
  const status = h("div", { role: "status" });
  const form = h(
    "form",
    { novalidate: true, class: "consultation" },
    h("h3", { class: "heading-s" }, t("officer.question_from", { id: c.id, date: formatDateTime(c.created_at) })),
    h("blockquote", { class: "inset-text" }, c.question),
    h("div", { class: "form-group" }, h("label", { class: "label label--s", for: id }, t("officer.answer")), h("textarea", { class: "textarea", id, name: "answer", rows: 4 })),
    h("button", { class: "button", type: "submit" }, t("officer.send_answer")),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await officerApi(`/officer/consultations/${encodeURIComponent(c.id)}/answer`, { method: "POST", body: { answer: form.answer.value.trim() } });
      form.replaceChildren(successBanner(`${c.id}: ${t("officer.answered")}`));
    } catch (error) {
      showError(status, error);
    }
  });
  return form;
}

onLangChange(() => {
  fillFilters();
  if (session.username) document.getElementById("who").textContent = t("officer.signed_in_as", { name: session.display });
  route();
});
loadServices();
