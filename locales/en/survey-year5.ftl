# Five years after graduation (surveys/year5.toml)

year5-title = Five years on: career survey
year5-intro = Dear { $name }, it is five years since you graduated. This survey asks how far your career has come and what you have achieved: management roles, technical results, innovation and start-ups, and your standing in your field. It takes about 7 minutes.

year5-page-destination = What you do now
year5-page-job = Your employer
year5-page-career = Role and promotion
year5-page-achievements = Achievements
year5-page-learning = Learning
year5-page-stability = Job changes
year5-page-startup = Your business
year5-page-study = Your studies
year5-page-support = Support you need
year5-page-feedback = Suggestions

year5-destination_type = What are you doing now?
year5-destination_type-help = If more than one applies, choose the main one. Students with a side job choose further study or studying abroad.
year5-status_date = In which month did your current job (or study, or business) start?

year5-employer_name = What is the full name of your current employer?
year5-employer_name-help = Use the full name, not an abbreviation. If your employer has not changed, just confirm it; if it has been renamed, enter the new name.
year5-employer_type = What type of organisation is your employer?
year5-industry = Which industry do you work (or run your business) in?
year5-work_region = Where do you work?
year5-job_title = What is your job title or position? (optional)
year5-monthly_salary = About how much do you earn per month before tax?
year5-monthly_salary-help = Before tax, including wages, bonuses and allowances, as a monthly average. If you run a business, give what you take from it per month.
year5-salary-implausible = This is more than twenty times the monthly pay you gave three years after graduating (CNY { $other }). Please check for an extra digit, or whether you entered a yearly figure.

year5-management_role = What management role do you hold now?
year5-promoted = Since graduating, have you been promoted? (for example to supervisor or key technical staff, or to a higher professional title)
year5-years_to_promotion = How many years after starting work were you first promoted? (decimals allowed, e.g. 1.5)
year5-job_satisfaction = Overall, how satisfied are you with your job? (1 = very dissatisfied, 5 = very satisfied)

year5-technical_achievements = Since graduating, which of these have you achieved? (select all that apply)
year5-technical_achievements-opt-key_project = Led, or was a key member of, a major project
year5-technical_achievements-opt-breakthrough = Solved a key technical or business problem
year5-technical_achievements-opt-award = A provincial, national or industry award
year5-technical_achievements-opt-standard = Helped draft a national, industry or company standard
year5-technical_achievements-opt-publication = Published papers or a book
year5-technical_achievements-opt-software = Software copyright, or a result put into production
year5-technical_achievements-opt-none = None yet
year5-technical_achievements-opt-other = Other
year5-patents = As an inventor, how many patents have you applied for or been granted? (Enter 0 if none.)
year5-patents-help = Invention, utility-model and design patents, pending or granted; count each patent once.
year5-improvement_proposals = About how many of your technical or process improvement proposals has your employer adopted? (Enter 0 if none.)
year5-influence = In your industry or field, which of these have you done? (select all that apply)
year5-influence-opt-invited_talks = Gave an invited talk at an industry conference or forum
year5-influence-opt-professional_body = Hold a post in a professional society or association
year5-influence-opt-expert_panel = Served as a reviewer or expert adviser
year5-influence-opt-honours = Received an honorary title or joined a talent programme
year5-influence-opt-media = My work was covered by industry or national media
year5-influence-opt-mentoring = Mentored and trained newcomers
year5-influence-opt-none = None yet
year5-influence-opt-other = Other

year5-certificates = Since graduating, how many professional qualifications or certificates have you obtained? (Enter 0 if none.)
year5-certificates-help = For example the legal profession qualification, CPA, teacher's certificate, medical licence, constructor licence, professional titles, industry certifications. An upgraded certificate counts once.
year5-further_degree = Since graduating, have you studied for or obtained a higher degree?

year5-job_changes = Since graduating, how many times have you left an employer? (Enter 0 if never.)
year5-leave_reasons = { $job_changes ->
    [one] Why did you leave that job? (up to 3)
   *[other] Why did you leave those { $job_changes } jobs? (up to 3)
}

year5-startup_active = Is the business you started earlier still operating?
year5-startup_funding = What is the main outside funding your business has received?
year5-startup_employees = Apart from yourself, how many people work in your business now (including part-time)?
year5-startup_revenue = Roughly what was your business's revenue last year? (optional)
year5-startup_revenue-opt-under_500k = Under CNY 0.5 million
year5-startup_revenue-opt-from_500k_to_5m = CNY 0.5–5 million
year5-startup_revenue-opt-from_5m_to_50m = CNY 5–50 million
year5-startup_revenue-opt-over_50m = Over CNY 50 million

year5-study_institution = What is the full name of the university (or research institute) where you study?
year5-study_level = What level of degree are you studying for?

year5-slow_employment_causes = What are the main reasons you are not working now? (up to 3)
year5-help_wanted = What help would you most like from the university? (up to 3)
year5-contact_consent = May a careers adviser from your school contact you to offer one-to-one support?

year5-suggestions = Five years into your career, what would you suggest the university change in its teaching? You are also welcome to tell us if you would share your experience with current students. (optional)
