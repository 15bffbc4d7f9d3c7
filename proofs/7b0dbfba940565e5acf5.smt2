; corpus/history/2.6.22-i386/2.6.22-i386-clts.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x179 (bvsub ESP (_ bv4 32))))
(let ((?x564 (bvadd ?x179 (_ bv4 32))))
(let (($x261 (and (distinct ?x564 ESP) true)))
(let (($x544 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x439 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x540 (= TF (_ bv0 1))))
(let (($x332 (= VM (_ bv0 1))))
(let (($x306 (= DF (_ bv0 1))))
(and $x306 $x332 $x540 $x439 (or $x544 $x261)))))))))))
(check-sat)
