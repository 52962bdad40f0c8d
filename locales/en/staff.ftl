# Texts of the staff dashboards (/staff). Keys start with staff-.

staff-brand = Graduate tracking · Staff
staff-nav-waves = Response rates
staff-nav-plans = Assistance plans
staff-sign-in = Sign in
staff-sign-out = Sign out
staff-username = Username
staff-password = Password
staff-forgot = Forgot your password?
staff-form-expired = This form has expired. Please try again.
staff-sign-in-wrong = Wrong username or password.
staff-sign-in-locked = Too many failed attempts: this account is locked. Try again in { $minutes } { $minutes ->
    [one] minute
   *[other] minutes
}, or reset your password.

staff-forbidden-title = Not available to you
staff-forbidden-body = This page is outside the area you look after, or does not exist.
staff-not-found-title = Not found
staff-not-found-body = There is nothing at this address.
staff-invalid-title = This could not be saved
staff-back-home = Back to the overview

staff-reset-title = Reset your password
staff-reset-intro = Enter your username or e-mail address. If the account has an e-mail address, we send it a link to choose a new password.
staff-reset-who = Username or e-mail
staff-reset-send = Send the link
staff-reset-new = New password (at least 10 characters)
staff-reset-again-label = New password again
staff-reset-save = Save the new password
staff-reset-mail-subject = Reset your gradtrace password
staff-reset-mail-body = Hello,

    someone asked to reset the password of the gradtrace staff account "{ $username }". To choose a new password, open this link within one hour:

    { $link }

    The link works once. If you did not ask for it, ignore this message: your password stays as it is.
staff-reset-sent-title = Check your e-mail
staff-reset-sent-body = If the account exists and has an e-mail address, a link to reset the password is on its way. It works for one hour.
staff-reset-invalid-title = This reset link does not work
staff-reset-invalid-body = The link has expired, was already used, or was copied incompletely. Ask for a new one.
staff-reset-again = Ask for a new link
staff-reset-mismatch = The two passwords differ.
staff-reset-done-title = Your password is changed
staff-reset-done-body = Sign in with your new password. Any other open sessions were ended.

staff-wave-dates = Opens { $opens } · closes { $closes }
staff-role-admin = Employment office (whole school)
staff-role-department = Department
staff-role-class = Class liaison
staff-role-alumni = Alumni liaison
staff-due-count = { $count ->
    [one] One assistance follow-up is due
   *[other] { $count } assistance follow-ups are due
}
staff-no-waves = No survey waves yet.

staff-breadcrumbs = Where you are
staff-chase-title = Who has not answered
staff-plans-open = Open assistance plans from the answers
staff-chart-title = Completed responses by day since the wave opened
staff-chart-label = Cumulative response rate by day since opening
staff-chart-this-year = This wave
staff-last-year = Same stage, cohort { $cohort } ({ $rate } in the end)
staff-chart-reminders = reminders sent
staff-chart-x = days since opening
staff-total = Total
staff-level-school = School
staff-level-department = Department
staff-level-major = Major
staff-level-class = Class
staff-level-employer-type = Employer type
staff-col-invited = Invited
staff-col-opened = Opened
staff-col-consented = Consented
staff-col-partial = Partial
staff-col-complete = Complete
staff-col-declined = Declined
staff-col-opted-out = Opted out
staff-col-unreachable = Unreachable
staff-col-rate = Rate
staff-nothing-in-scope = Nobody in your area.

staff-chase-intro = People in your area who have not completed this survey. Nobody's answers are shown here.
staff-filter-status = Status
staff-filter-class = Class
staff-filter-reach = Reachable by
staff-filter-sort = Order
staff-filter-unreachable = Include unreachable
staff-filter-apply = Apply
staff-filter-any = Any
staff-export-csv = Export CSV
staff-chase-summary = { $from }–{ $to } of { $total }
staff-chase-empty = Nobody left to chase here.
staff-prev = Previous
staff-next = Next
staff-col-name = Name
staff-col-type = Employer type
staff-col-class = Class
staff-col-status = Status
staff-col-reach = Reachable by
staff-col-contact = Contact
staff-col-last = Last activity
staff-col-key = Student id / credit code
staff-col-group = Class · major · department
staff-status-not_opened = Not opened
staff-status-opened = Opened the link
staff-status-consented = Agreed, no answers yet
staff-status-declined = Declined the notice
staff-status-partial = Partly answered
staff-status-complete = Complete
staff-status-opted_out = Opted out
staff-reach-email = E-mail
staff-reach-phone = Phone
staff-reach-wechat = WeChat
staff-sort-class = By class
staff-sort-name = By name
staff-sort-last = Longest untouched first
staff-contact-phoned = Contacted by phone
staff-contact-unreachable = Unreachable
staff-contact-wrong_number = Wrong number
staff-contact-details_updated = Contact details updated
staff-yes = Yes
staff-no-chasing = This person has completed the survey or opted out: no more chasing.

staff-link-title = Personal link
staff-link-show = Show the personal link and QR code
staff-link-note = The link opens this person's own survey: give it only to them. Showing it is recorded.
staff-remind-title = Remind now
staff-remind-now = Remind now
staff-contact-title = Record a contact
staff-contact-what = What happened
staff-contact-note = Note (optional)
staff-contact-save = Save
staff-details-title = Update contact details
staff-details-save = Save the details
staff-notes-title = What was tried
staff-notes-none = Nothing recorded yet.

staff-plans-intro = One person, one plan: an assistance file for each graduate in slow employment, unemployment or low-quality employment.
staff-plans-all = All plans
staff-plans-due = Only follow-ups due
staff-plans-none = No assistance plans.
staff-plan-owner = Owner (username)
staff-plan-next = Next follow-up
staff-plan-due = due
staff-plan-open = Open
staff-plan-in_progress = In progress
staff-plan-closed = Closed
staff-plan-withheld = The reasons and causes come from the graduate's answers, which only the employment office and department officers see.
staff-plan-reasons = Why
staff-plan-causes = Causes given
staff-plan-reason-job_satisfaction = Low job satisfaction
staff-plan-reason-salary = Salary below the threshold
staff-plan-actions = Planned actions
staff-plan-follow-up = Follow-up done now (optional)
staff-plan-save = Save
staff-plan-history = Follow-ups
staff-plans-opened-title = Assistance plans opened
staff-plans-opened-body = { $checked } complete responses read: { $opened } new plans opened, { $existing } already had one.

## Remind now, delivery log, dead letters (dash)
staff-contact-reminded = Reminder requested
staff-remind-queued = Reminder queued: it goes out through the reminder scheduler (after quiet hours if it is night).
staff-remind-too-soon = Not sent: this person was reminded less than { $hours } hours ago.
staff-remind-closed = Not sent: the wave is closed.
staff-remind-refused = Not sent: this person has answered or opted out.
staff-remind-cooldown = At most one reminder every { $hours } hours per person.
staff-remind-log = Reminders
staff-remind-none = No reminders planned yet.
staff-remind-kind-invitation = Invitation
staff-remind-kind-reminder = Reminder
staff-remind-kind-manual = Remind now
staff-remind-state-pending = waiting
staff-remind-state-sending = sending
staff-remind-state-sent = sent
staff-remind-state-skipped = not needed
staff-remind-state-cancelled = cancelled
staff-remind-state-failed = failed
staff-remind-state-dead = failed on every attempt
staff-attempts-title = Delivery attempts
staff-attempts-none = No delivery attempts yet.
staff-outcome-sent = delivered
staff-outcome-retry = failed, will retry
staff-outcome-failed = failed
staff-outcome-dead = failed for good
staff-outcome-unreachable = no channel reaches them
staff-dead-title = Failed sends
staff-dead-intro = Reminders that failed on every attempt, for people you look after. Check their contact details or call them.
staff-dead-none = No failed sends.
staff-dead-link = Failed sends
staff-chart-planned = planned reminders
