; corpus/history/2.6.22-i386/2.6.22-i386-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x564 (bvsub ESP (_ bv4 32))))
(let ((?x32 (bvadd ?x564 (_ bv4 32))))
(let (($x497 (and (distinct ?x32 ESP) true)))
(let (($x6 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x19 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x267 (= TF (_ bv0 1))))
(let (($x28 (= VM (_ bv0 1))))
(let (($x695 (= DF (_ bv0 1))))
(and $x695 $x28 $x267 $x19 (or $x6 $x497)))))))))))
(check-sat)
