# One year after graduation (surveys/year1.toml)

year1-title = One year on: career survey
year1-intro = Dear { $name }, it is almost a year since you graduated in { $major }. This survey asks how you have settled into work over the year. It takes about 5 minutes, and your answers help the university improve its teaching.

year1-page-destination = What you do now
year1-page-job = Your employer
year1-page-fit = Settling in
year1-page-startup = Your business
year1-page-study = Your studies
year1-page-stability = Job changes
year1-page-support = Support you need
year1-page-feedback = Suggestions

year1-destination_type = What are you doing now?
year1-destination_type-help = If more than one applies, choose the main one. Students with a side job choose further study or studying abroad.
year1-status_date = In which month did your current job (or study, or business) start?

year1-employer_name = What is the full name of your current employer?
year1-employer_name-help = Use the full name, not an abbreviation. If you are still with the employer you had at graduation, just confirm it.
year1-employer_type = What type of organisation is your employer?
year1-industry = Which industry do you work (or run your business) in?
year1-work_region = Where do you work?
year1-job_title = What is your job title? (optional)
year1-monthly_salary = About how much do you earn per month before tax?
year1-monthly_salary-help = Before tax, including wages, bonuses and allowances, as a monthly average. If you run a business, give what you take from it per month.
year1-salary-implausible = This is more than twenty times the monthly pay you gave at graduation (CNY { $other }). Please check for an extra digit, or whether you entered a yearly figure.

year1-major_match = How closely is your job related to your major? (1 = not at all, 5 = very closely)
year1-interest_match = How well does your job match your career interests? (1 = not at all, 5 = very well)
year1-skills_use = How much do you use what you learnt at university in your job? (1 = hardly ever, 5 = often)
year1-job_satisfaction = Overall, how satisfied are you with your job? (1 = very dissatisfied, 5 = very satisfied)
year1-dissatisfaction_reasons = What are you most dissatisfied with? (up to 3)
year1-dissatisfaction_reasons-opt-salary = Low pay
year1-dissatisfaction_reasons-opt-development = Few prospects
year1-dissatisfaction_reasons-opt-workload = Heavy workload, much overtime
year1-dissatisfaction_reasons-opt-environment = Working conditions or colleagues
year1-dissatisfaction_reasons-opt-location = Location
year1-dissatisfaction_reasons-opt-job_content = The work does not interest me
year1-dissatisfaction_reasons-opt-stability = Job insecurity
year1-dissatisfaction_reasons-opt-other = Other
year1-skills_to_improve = Which abilities do you most need to improve for your work? (up to 3)

year1-startup_active = Is the business you were starting at graduation still operating?
year1-startup_funding = What is the main outside funding your business has received?
year1-startup_employees = Apart from yourself, how many people work in your business now (including part-time)?
year1-startup_difficulties = What are the main difficulties you face in your business? (up to 3)

year1-study_institution = What is the full name of the university (or research institute) where you study?
year1-study_level = What level of degree are you studying for?
year1-study_field_match = How closely is your programme related to your major here, { $major }? (1 = not at all, 5 = very closely)

year1-job_changes = Since graduating, how many times have you left an employer? (Enter 0 if never.)
year1-leave_reasons = { $job_changes ->
    [one] Why did you leave that job? (up to 3)
   *[other] Why did you leave those { $job_changes } jobs? (up to 3)
}

year1-slow_employment_causes = What are the main reasons you are not working yet? (up to 3)
year1-help_wanted = What help would you most like from the university? (up to 3)
year1-contact_consent = May a careers adviser from your school contact you to offer one-to-one support?

year1-suggestions = Looking back on your first year at work, what would you suggest the university change in its teaching? (optional)
