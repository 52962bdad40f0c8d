# Three years after graduation (surveys/year3.toml)

year3-title = Three years on: career survey
year3-intro = Dear { $name }, it is three years since you graduated. This survey asks how your career has grown since then: promotion, certificates and training, changes of job and industry. It takes about 6 minutes.

year3-page-destination = What you do now
year3-page-job = Your employer
year3-page-development = Career progress
year3-page-learning = Learning
year3-page-stability = Job changes
year3-page-startup = Your business
year3-page-study = Your studies
year3-page-support = Support you need
year3-page-feedback = Suggestions

year3-destination_type = What are you doing now?
year3-destination_type-help = If more than one applies, choose the main one. Students with a side job choose further study or studying abroad.
year3-status_date = In which month did your current job (or study, or business) start?

year3-still_at_year1_employer = Do you still work at { $year1_employer_name }?
year3-employer_name = What is the full name of your current employer?
year3-employer_name-help = Use the full name, not an abbreviation. If your employer has not changed, just confirm it; if it has been renamed, enter the new name.
year3-employer_type = What type of organisation is your employer?
year3-industry = Which industry do you work (or run your business) in?
year3-work_region = Where do you work?
year3-job_title = What is your job title? (optional)
year3-monthly_salary = About how much do you earn per month before tax?
year3-monthly_salary-help = Before tax, including wages, bonuses and allowances, as a monthly average. If you run a business, give what you take from it per month.
year3-salary-implausible = This is more than twenty times the monthly pay you gave a year after graduating (CNY { $other }). Please check for an extra digit, or whether you entered a yearly figure.

year3-promoted = Since graduating, have you been promoted? (for example to supervisor or key technical staff, or to a higher professional title)
year3-years_to_promotion = How many years after starting work were you first promoted? (decimals allowed, e.g. 1.5)
year3-major_match = How closely is your job related to your major? (1 = not at all, 5 = very closely)
year3-job_satisfaction = Overall, how satisfied are you with your job? (1 = very dissatisfied, 5 = very satisfied)

year3-certificates = Since graduating, how many professional qualifications or certificates have you obtained? (Enter 0 if none.)
year3-certificates-help = For example the legal profession qualification, CPA, teacher's certificate, medical licence, constructor licence, professional titles, industry certifications. An upgraded certificate counts once.
year3-training = In the past three years, have you taken part in structured professional training? (certification courses, skills courses, training run by your employer)
year3-further_degree = Since graduating, have you studied for or obtained a higher degree?

year3-job_changes = Since graduating, how many times have you left an employer? (Enter 0 if never.)
year3-leave_reasons = { $job_changes ->
    [one] Why did you leave that job? (up to 3)
   *[other] Why did you leave those { $job_changes } jobs? (up to 3)
}
year3-industry_changed = Compared with your first job after graduating, do you now work in a different industry?

year3-startup_active = Is the business you started earlier still operating?
year3-startup_funding = What is the main outside funding your business has received?
year3-startup_employees = Apart from yourself, how many people work in your business now (including part-time)?

year3-study_institution = What is the full name of the university (or research institute) where you study?
year3-study_level = What level of degree are you studying for?

year3-slow_employment_causes = What are the main reasons you are not working now? (up to 3)
year3-help_wanted = What help would you most like from the university? (up to 3)
year3-contact_consent = May a careers adviser from your school contact you to offer one-to-one support?

year3-suggestions = From three years of work, what would you suggest about your former programme's courses and majors? (optional)
