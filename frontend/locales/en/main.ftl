# Saring — UI texts (English). Every key must also exist in id/main.ftl.

## Common
common-loading = Loading…
common-processing = Working…
common-cancel = Cancel
common-save = Save
common-choose = — Choose —
common-reason = Reason (optional)
common-language = Change language
common-language-other = Bahasa Indonesia
common-pages = Pages
common-prev = ‹ Previous
common-next = Next ›
common-page-of = Page { $page } of { $pages } ({ $total } items)

## Navigation
nav-dashboard = Home
nav-account = My account
nav-logout = Log out
nav-users = Users
nav-logs = Activity log

## Login & OTP
auth-tab-login = Log in
auth-tab-register = Register
auth-phone = WhatsApp number
auth-phone-hint = Use the number you have on WhatsApp, starting with 08, 628 or +628.
auth-phone-invalid = We could not read that WhatsApp number. Example: 081234567890.
auth-send-otp = Send OTP code
auth-otp-sent = We sent an OTP code by WhatsApp to { $phone }.
auth-otp = OTP code (6 digits)
auth-otp-six-digits = Enter the 6-digit OTP code from WhatsApp.
auth-verify = Log in
auth-verify-connect = Log in & connect
auth-resend = Send the code again
auth-resend-in = Send again in { $seconds } s
auth-change-number = Change number
auth-takeover-explain = This device can replace the device you have used least recently. That older device will lose internet access.
auth-takeover-confirm = Replace the old device & log in

## Registration
register-name = Full name
register-as = Register as
register-blok = Block
register-kamar = Room
register-tamping = Tamping type
register-submit = Register
register-name-required = Please enter your full name.
register-address-required = Please choose your block and room.
register-tamping-required = Please choose your tamping type.
register-done-title = Registration sent
register-done-text = Your account is waiting for an administrator's approval. Once approved, log in with a WhatsApp OTP code.
register-done-login = Go to log in
role-user = User
role-tamping = Tamping
role-komandan = Komandan
role-admin = Admin
role-super-admin = Super admin

## Captive portal
captive-title = Hotspot portal
captive-subtitle = Log in to use the internet on this network.
captive-server-down = The portal server cannot be reached. Make sure you are still on the hotspot Wi-Fi, then reload the page.
captive-foreign = Device details from another network were detected and ignored. Open the portal from the hotspot Wi-Fi you are connected to.
captive-no-context = The router did not pass this device's IP/MAC address. You can still log in, but the device may need to connect again through the hotspot login page.
captive-open-router-login = Open the hotspot login
captive-hotspot-login = Connecting this device to the hotspot…
captive-hotspot-login-button = Connect now

connected-title = You are connected
connected-text = This device can use the internet now. Enjoy!
connected-countdown = Continuing in { $seconds } seconds.
connected-continue = Continue
connected-signed-out = We could not find your session. Please log in again through the portal.
connected-back = Back to the portal

## Randomized MAC
mac-hint-title = Turn off the private Wi-Fi address
mac-hint-why = Your phone uses a random (private) Wi-Fi address on this network. It can change at any time, so the device is no longer recognised and you have to log in again.
mac-hint-android = Settings → Wi-Fi → tap this network → Privacy → choose "Use device MAC".
mac-hint-ios = Settings → Wi-Fi → tap (i) next to this network → turn off "Private Wi-Fi Address".
mac-hint-after = After changing it, reconnect to the Wi-Fi and open this portal again.

## Login (outside the captive portal)
login-title = Log in to your account
login-subtitle = We send a one-time code to your WhatsApp.
consume-title = Opening your session
consume-working = Preparing your session…
consume-missing-token = The session link is incomplete. Please log in again.

## Home
dashboard-quota = Internet quota
dashboard-remaining = Remaining
dashboard-used = Used
dashboard-total = Total quota
dashboard-expiry = Valid until
dashboard-username = Hotspot username
dashboard-unlimited = Unlimited
dashboard-last-sync = Usage last updated:
dashboard-debt = Quota debt
dashboard-debt-auto = Automatic debt
dashboard-debt-manual = Manual debt
dashboard-debt-total = Total debt
dashboard-debt-estimate = Estimated value
dashboard-debt-note = Debt is deducted from your next package purchase.
dashboard-weekly = Usage in the last 7 days
dashboard-weekly-total = 7-day total
dashboard-weekly-average = Average per day
dashboard-monthly = Usage per month
dashboard-no-usage = No usage recorded yet.

## Account
account-profile = Profile
account-phone = Phone number
account-saved = Profile saved.
account-devices = Devices
account-devices-explain = Devices allowed to use the internet with your account.
account-devices-max = At most { $max } devices.
account-reset = Reset login
account-reset-explain = Sign every device out of the hotspot. Each device has to log in again.
account-reset-confirm = All devices will be disconnected from the hotspot. Continue?
account-reset-done = Your hotspot login has been reset.
account-change-password = Change password
account-current-password = Current password
account-new-password = New password (at least 8 characters)
account-password-changed = Password changed.
devices-unnamed = Unnamed device
devices-private = Random address
devices-first-seen = First seen
devices-last-seen = Last active
devices-label = Device name
devices-label-placeholder = For example: my phone
devices-rename = Rename
devices-remove = Remove
devices-remove-confirm = Remove this device? It cannot use the internet until it logs in again.
devices-none = No devices registered yet.

## Access status
status-active = Active
status-unlimited = Unlimited
status-fup = FUP
status-habis = Out of quota
status-expired = Expired
status-blocked = Blocked
status-inactive = Not active

policy-blocked-title = Access blocked
policy-blocked-text = An administrator has suspended internet access for your account.
policy-blocked-reason = Reason: { $reason }
policy-inactive-title = Account not active
policy-inactive-text = This account cannot use the internet yet.
policy-inactive-pending = Your registration is being reviewed. We will message you on WhatsApp once it is approved.
policy-inactive-rejected = Your registration was not approved. Contact the administrator if you think this is a mistake.
policy-inactive-disabled = An administrator has deactivated your account.
policy-expired-title = Package expired
policy-expired-text = Your internet package is past its validity period.
policy-expired-date = It expired on { $date }.
policy-habis-title = Out of quota
policy-habis-text = You have used all of your internet quota. Top up to get connected again.
policy-fup-title = Fair-use limit reached
policy-fup-text = Your quota is nearly used up, so your speed is reduced until you add quota.
policy-usage = Used { $used } of { $total }.
policy-buy = Buy a package
policy-request = Send a request
policy-contact-admin = Contact the administrator on WhatsApp
policy-whatsapp-text = Hello admin, I need help: { $status }. { $who }
policy-back-dashboard = Back to home
policy-back-portal = Back to the portal
policy-link-invalid = This status link is not valid. Please log in.

## Maintenance & 404
maintenance-title = Under maintenance
maintenance-default = We are working on the service and will be back shortly.
maintenance-admin = Administrator login
notfound-title = Page not found
notfound-text = The address you opened does not exist.
notfound-home = Go to the home page

## Admin
admin-login-title = Administrator login
admin-login-phone = Administrator phone number
admin-login-password = Password
admin-login-submit = Log in
admin-users-title = Users
admin-user-title = User details
admin-tab-pending = Waiting for approval
admin-tab-all = All users
admin-search = Search name or number
admin-search-button = Search
admin-role = Role
admin-status = Status
admin-all-roles = All roles
admin-all-statuses = All statuses
admin-filter-pending = Pending
admin-filter-approved = Approved
admin-filter-rejected = Rejected
admin-filter-active = Active
admin-filter-inactive = Inactive
admin-filter-blocked = Blocked
admin-filter-unlimited = Unlimited
admin-approve = Approve
admin-reject = Reject
admin-reject-confirm = Reject this registration? The user will be told on WhatsApp.
admin-block = Block
admin-block-confirm = Block this user's internet access?
admin-unblock = Unblock
admin-unblock-confirm = Restore this user's internet access?
admin-approved = User approved.
admin-rejected = Registration rejected.
admin-blocked = User blocked.
admin-unblocked = User unblocked.
admin-role-changed = Role changed.
admin-no-users = No matching users.
admin-registered = Registered
admin-last-login = Last login
admin-devices = devices
admin-approval = Approval
admin-profile = Hotspot profile
admin-block-reason = Block reason
admin-logs-title = Administrator activity log
admin-no-logs = No activity yet.
admin-log-time = Time
admin-log-admin = Administrator
admin-log-action = Action
admin-log-target = User
admin-log-details = Details
admin-log-system = System

## Error messages (by the server's code)
error-network = Cannot reach the server. Check your Wi-Fi connection and try again.
error-internal = Something went wrong on the server. Please try again shortly.
error-unauthorized = Your session has ended. Please log in again.
error-token_expired = Your session has ended. Please log in again.
error-token_invalid = Your session is not valid. Please log in again.
error-invalid_credentials = Wrong number or password.
error-admin_required = This page is for administrators only.
error-user_not_found = This number is not registered yet. Please register first.
error-user_inactive = Your account is not active yet.
error-user_unapproved = Your account is still waiting for approval.
error-user_blocked = Your account is blocked.
error-phone_already_registered = This number is already registered. Please log in.
error-phone_invalid = That WhatsApp number is not valid. Use the prefix 08, 628 or +628.
error-otp_invalid = Wrong OTP code. Check your WhatsApp message again.
error-otp_expired = The OTP code has expired. Ask for a new one.
error-otp_cooldown = A code was just sent. Please wait a moment before asking again.
error-otp_too_many_attempts = Too many attempts. Please try again in a while.
error-rate_limited = Too many requests. Please try again in a while.
error-device_limit_reached = Your account has reached its device limit.
error-captive_context_invalid = Device details from another network were ignored. Open the portal from your hotspot Wi-Fi.
error-device_not_detected = The router has not detected your device yet. Open the hotspot login page and try again.
error-router_unavailable = The hotspot router cannot be reached right now. Please try again shortly.
error-maintenance = The service is under maintenance.
error-service_unavailable = The service is busy. Please try again shortly.
error-not_found = Not found.
