# Graduation-year survey (surveys/graduation.toml)

graduation-title = Graduate destination survey
graduation-intro = Dear { $name }, congratulations on graduating! This survey asks the class of { $graduation_year } where they are going next and how their job search went. It takes about 5 minutes, and your answers help the university improve its teaching and careers services.

graduation-page-destination = Your destination
graduation-page-job = Your job
graduation-page-startup = Your business
graduation-page-study = Your studies
graduation-page-support = Support you need
graduation-page-job_search = Your job search
graduation-page-feedback = Suggestions

graduation-destination_type = What are you doing after graduation?
graduation-destination_type-help = If you have signed or accepted an offer but not started yet, choose "Employed by an organisation". If you hold an admission offer, choose the matching study option. If you are not looking for work for now, choose "Taking time before working". If more than one applies, choose the main one.
graduation-destination_date = In which month was your destination settled? (when you signed, started work, were admitted or started your business)

graduation-employer_name = What is the full name of your employer?
graduation-employer_name-help = Use the full name as it appears on your employment agreement or contract, not an abbreviation.
graduation-flexible_form = What kind of flexible work do you do?
graduation-flexible_form-opt-freelance = Freelance (design, writing, translation, streaming, etc.)
graduation-flexible_form-opt-platform = Platform work (ride-hailing, delivery, e-commerce platforms, etc.)
graduation-flexible_form-opt-part_time = Part-time work
graduation-flexible_form-opt-project = Contract or project work
graduation-flexible_form-opt-other = Other
graduation-employer_type = What type of organisation is your employer?
graduation-grassroots_programme = Did you take up your job through one of these programmes?
graduation-grassroots_programme-opt-none = No
graduation-grassroots_programme-opt-selected_graduate = Selected graduate for local government (xuandiaosheng)
graduation-grassroots_programme-opt-western_plan = College Student Volunteers Serving the West
graduation-grassroots_programme-opt-three_supports = "Three Supports and One Assistance" programme
graduation-grassroots_programme-opt-special_post_teacher = Special-post rural teacher
graduation-grassroots_programme-opt-enlisted = Enlisted in the armed forces
graduation-grassroots_programme-opt-other = Another grassroots programme
graduation-industry = Which industry do you work (or run your business) in?
graduation-work_region = Where do you work?
graduation-job_title = What is your job title? (optional)
graduation-agreement_signed = Have you signed an employment agreement or a labour contract with your employer?
graduation-monthly_salary = About how much do you earn per month before tax?
graduation-monthly_salary-help = Before tax, including wages, bonuses and allowances, as a monthly average. If you have signed but not started, give the agreed monthly pay; if you run a business, give what you take from it per month.
graduation-major_match = How closely is your job (or business) related to your major? (1 = not at all, 5 = very closely)
graduation-job_satisfaction = Overall, how satisfied are you with your job (or business)? (1 = very dissatisfied, 5 = very satisfied)

graduation-startup_form = What form does your business take?
graduation-startup_form-opt-company = A registered company
graduation-startup_form-opt-individual_business = Individual business (getihu)
graduation-startup_form-opt-online = Online shop or social-media business
graduation-startup_form-opt-studio = Studio (not registered yet)
graduation-startup_form-opt-other = Other
graduation-startup_funding = What is the main outside funding your business has received?
graduation-startup_employees = Apart from yourself, how many people work in your business now (including part-time)?
graduation-startup_difficulties = What are the main difficulties you face in your business? (up to 3)

graduation-study_institution = What is the full name of the university (or research institute) that admitted you?
graduation-study_country = Where are you going to study?
graduation-study_country-opt-hong_kong = Hong Kong, China
graduation-study_country-opt-macao = Macao, China
graduation-study_country-opt-uk = United Kingdom
graduation-study_country-opt-us = United States
graduation-study_country-opt-australia = Australia
graduation-study_country-opt-singapore = Singapore
graduation-study_country-opt-japan = Japan
graduation-study_country-opt-korea = South Korea
graduation-study_country-opt-germany = Germany
graduation-study_country-opt-france = France
graduation-study_country-opt-canada = Canada
graduation-study_country-opt-malaysia = Malaysia
graduation-study_country-opt-other = Other
graduation-study_level = What level of degree are you studying for?
graduation-study_field_match = How closely is your new programme related to your major here, { $major }? (1 = not at all, 5 = very closely)
graduation-study_reasons = What are your main reasons for further study? (up to 2)
graduation-study_reasons-opt-research_interest = Interest in research
graduation-study_reasons-opt-better_job = Better job prospects
graduation-study_reasons-opt-change_field = To change field
graduation-study_reasons-opt-better_school = A better university or city
graduation-study_reasons-opt-postpone_work = To put off the job market
graduation-study_reasons-opt-family = My family's wishes
graduation-study_reasons-opt-other = Other

graduation-slow_employment_causes = What are the main reasons you are not working yet? (up to 3)
graduation-help_wanted = What help would you most like from the university? (up to 3)
graduation-contact_consent = May a careers adviser from your school contact you to offer one-to-one support?

graduation-job_search_months = About how many months did your job search take? (If you are still looking, give the months so far; less than one month counts as 0.)
graduation-job_offers = How many job offers did you receive in all?
graduation-job_channel = How did you find this job?
graduation-job_channel-opt-campus_fair = Campus career fair or recruitment talk
graduation-job_channel-opt-school_platform = Vacancies posted by the university's careers website or WeChat account
graduation-job_channel-opt-job_sites = Job websites or apps
graduation-job_channel-opt-internship = Kept on after an internship
graduation-job_channel-opt-public_exam = Civil-service, public-institution or selection exam
graduation-job_channel-opt-referral = Recommended by a teacher, alumnus, friend or relative
graduation-job_channel-opt-direct = Applied to the employer directly
graduation-job_channel-opt-other = Other
graduation-job_search_difficulties = What were the main difficulties in your job search? (up to 3)
graduation-job_search_difficulties-opt-lack_experience = Little internship or work experience
graduation-job_search_difficulties-opt-skill_mismatch = My skills fell short of what jobs required
graduation-job_search_difficulties-opt-competition = Few openings, strong competition
graduation-job_search_difficulties-opt-pay_expectations = Pay below my expectations
graduation-job_search_difficulties-opt-background = My degree or university background held me back
graduation-job_search_difficulties-opt-information = Not enough vacancy information
graduation-job_search_difficulties-opt-interviews = Tests or interviews went badly
graduation-job_search_difficulties-opt-location = Few openings in the city I wanted
graduation-job_search_difficulties-opt-none = No particular difficulty

graduation-career_services_rating = Overall, how satisfied are you with the university's careers guidance and services? (1 = very dissatisfied, 5 = very satisfied; skip if you did not use them)
graduation-suggestions = Any suggestions for the university's teaching or careers services? (optional)
